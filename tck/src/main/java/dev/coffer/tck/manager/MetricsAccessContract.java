package dev.coffer.tck.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Action;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.error.AccessDeniedException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.tck.support.Expect;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@link SecretManager#authorizeMetrics}: {@code secrets:metrics} on {@code *}, in the operator
 * tenant only (the figures are process-wide); refusals audited as {@code ACCESS_DENIED}, allowed
 * scrapes not audited. Tests that need a principal of the operator tenant are skipped when the
 * fixture has none ({@link dev.coffer.tck.ManagerFixture#operatorAdmin()}). Part of
 * {@link dev.coffer.tck.SecretManagerContract}.
 */
public abstract class MetricsAccessContract extends ManagerContractBase {

    @Test
    void operatorWithTheMetricsActionMayScrapeAndIsNotAudited() {
        AccessContext operator = operatorAdmin();
        Principal scraper = operatorUser("scraper");
        manager().putPolicy(operator, Policy.allow("tck-metrics", List.of(scraper.id()), List.of(Action.METRICS.wireName()), List.of("*")));
        AccessContext ctx = AccessContext.of(scraper).withRequestId(requestId("scrape"));

        manager().authorizeMetrics(ctx);
        manager().authorizeMetrics(operator); // secrets:* covers it

        assertTrue(eventsOf(operator, ctx.requestId()).isEmpty(),
                () -> "rule: an allowed SecretManager.authorizeMetrics (" + scraper.id() + " with secrets:metrics on *, in"
                        + " the operator tenant) is not audited; request " + ctx.requestId() + " left "
                        + eventsOf(operator, ctx.requestId()));
    }

    @Test
    void operatorWithoutTheMetricsActionIsDeniedAndAudited() {
        AccessContext operator = operatorAdmin();
        Principal everythingElse = operatorUser("no-metrics");
        manager().putPolicy(operator, Policy.allow("tck-no-metrics", List.of(everythingElse.id()),
                allActionsExcept(Action.METRICS).stream().map(Action::wireName).toList(), List.of("*")));
        AccessContext ctx = AccessContext.of(everythingElse).withRequestId(requestId("no-metrics"));

        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED, () -> manager().authorizeMetrics(ctx),
                () -> "rule: SecretManager.authorizeMetrics needs secrets:metrics; " + everythingElse.id()
                        + " holds every other action on * in the operator tenant: ACCESS_DENIED");

        List<AuditEvent> events = eventsOf(operator, ctx.requestId());
        assertEquals(1, events.size(), () -> "rule: a refused SecretManager.authorizeMetrics is audited with one event in"
                + " the operator tenant; request " + ctx.requestId() + " has: " + events);
        assertEquals(AuditEventType.ACCESS_DENIED, events.get(0).eventType(),
                () -> "rule: a refused SecretManager.authorizeMetrics is audited as ACCESS_DENIED (request "
                        + ctx.requestId() + ")");
        assertEquals(Decision.DENY, events.get(0).decision(),
                () -> "rule: a refused SecretManager.authorizeMetrics is audited with decision DENY (request "
                        + ctx.requestId() + ")");
        assertEquals(Action.METRICS.wireName(), events.get(0).action(),
                () -> "rule: a refused SecretManager.authorizeMetrics is audited naming the action "
                        + Action.METRICS.wireName() + " (request " + ctx.requestId() + ")");
    }

    @Test
    void theMetricsActionOnSomeSecretsIsNotEnough() {
        AccessContext operator = operatorAdmin();
        Principal narrow = operatorUser("narrow");
        manager().putPolicy(operator, Policy.allow("tck-metrics-narrow", List.of(narrow.id()),
                List.of(Action.METRICS.wireName()), List.of("prod/*")));

        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED, () -> manager().authorizeMetrics(AccessContext.of(narrow)),
                () -> "rule: SecretManager.authorizeMetrics needs secrets:metrics on *; " + narrow.id()
                        + " holds it on prod/* only: ACCESS_DENIED");
    }

    @Test
    void anotherTenantIsDeniedEvenWithEveryAction() {
        if (!tenant().equals(SecretManager.OPERATOR_TENANT)) {
            // The fixture's admin holds secrets:* on * in its own tenant: not enough.
            AccessContext ctx = admin().withRequestId(requestId("tenant-admin-metrics"));
            Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED, () -> manager().authorizeMetrics(ctx),
                    () -> "rule: SecretManager.authorizeMetrics is for the operator tenant only; the admin of tenant "
                            + tenant() + " (secrets:* on *) is refused with ACCESS_DENIED");
            AuditEvent event = onlyAuditEventOf(ctx.requestId(),
                    () -> "rule: a refused SecretManager.authorizeMetrics in tenant " + tenant() + " is audited once");
            assertEquals(AuditEventType.ACCESS_DENIED, event.eventType(),
                    () -> "rule: a refused SecretManager.authorizeMetrics is audited as ACCESS_DENIED (request "
                            + ctx.requestId() + ")");
            assertEquals(Action.METRICS.wireName(), event.action(),
                    () -> "rule: a refused SecretManager.authorizeMetrics is audited naming the action "
                            + Action.METRICS.wireName() + " (request " + ctx.requestId() + ")");
            assertEquals(tenant(), event.tenant(),
                    () -> "rule: a refused SecretManager.authorizeMetrics is audited in the caller's tenant " + tenant()
                            + " (request " + ctx.requestId() + ")");
            return;
        }
        Principal admin = admin().principal();
        AccessContext outsider = AccessContext.of(new Principal(admin.id(), "tck-elsewhere", admin.groups(), admin.mfa(), admin.cluster()));
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED, () -> manager().authorizeMetrics(outsider),
                () -> "rule: SecretManager.authorizeMetrics is for the operator tenant only; " + admin.id()
                        + " of tenant tck-elsewhere is refused with ACCESS_DENIED");
    }

    private AccessContext operatorAdmin() {
        Optional<AccessContext> operator = fixture().operatorAdmin();
        Assumptions.assumeTrue(operator.isPresent(), "the fixture has no principal in the operator tenant");
        return operator.get();
    }

    private static Principal operatorUser(String name) {
        return Principal.of("user:tck-" + name, SecretManager.OPERATOR_TENANT);
    }

    private List<AuditEvent> eventsOf(AccessContext operator, String requestId) {
        List<AuditEvent> events = new ArrayList<>();
        PageRequest page = PageRequest.first(PageRequest.MAX_LIMIT);
        while (true) {
            Page<AuditEvent> result = manager().queryAudit(operator, AuditQuery.tenant(SecretManager.OPERATOR_TENANT), page);
            result.items().stream().filter(e -> requestId.equals(e.requestId())).forEach(events::add);
            if (result.next().isEmpty()) {
                return events;
            }
            page = page.next(result.nextPageToken());
        }
    }
}
