package dev.coffer.tck.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Action;
import dev.coffer.spi.access.BreakGlassRequest;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.audit.AuditSummary;
import dev.coffer.spi.audit.AuditVerification;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.error.AccessDeniedException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.model.VersionStatus;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.MutableClock;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The audit trail: allowed, denied and failed attempts each leave an event with the right
 * fields; events never hold a value; the chain verifies; the summary answers "who read what".
 * Part of {@link dev.coffer.tck.SecretManagerContract}.
 */
public abstract class AuditContract extends ManagerContractBase {

    private AccessContext richContext(Principal principal, String label) {
        return as(principal, label).withSourceIp("10.1.2.3").withReason("tck audit check").withTicket("https://tickets.example/TCK-9");
    }

    @Test
    void allowedReadIsAuditedWithWhoWhatAndWhere() {
        Secret secret = createSecret("prod/audit/db");
        addCurrent(secret.id(), TestValues.text());
        addCurrent(secret.id(), TestValues.text());
        Principal reader = user("reader");
        grant(reader, Action.READ, "prod/audit/db");
        AccessContext ctx = richContext(reader, "allowed-read");

        readText(ctx, secret.path(), VersionSelector.current());

        AuditEvent event = onlyAuditEventOf(ctx.requestId());
        assertEquals(AuditEventType.SECRET_READ, event.eventType());
        assertEquals(Decision.ALLOW, event.decision());
        assertEquals(tenant(), event.tenant());
        assertEquals("prod", event.environment());
        assertEquals("audit/db", event.path());
        assertEquals(2, event.version());
        assertEquals(reader.id(), event.principal());
        assertEquals("10.1.2.3", event.sourceIp());
        assertEquals("tck audit check", event.reason());
        assertEquals("https://tickets.example/TCK-9", event.ticket());
        fixture().clock().ifPresent(clock -> assertEquals(clock.instant(), event.createdAt()));
    }

    @Test
    void deniedReadIsAuditedAsAccessDenied() {
        Secret secret = createSecret("prod/audit/db");
        addCurrent(secret.id(), TestValues.text());
        Principal stranger = user("stranger");
        AccessContext ctx = richContext(stranger, "denied-read");

        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(ctx, secret.path(), VersionSelector.current()));

        AuditEvent event = onlyAuditEventOf(ctx.requestId());
        assertEquals(AuditEventType.ACCESS_DENIED, event.eventType());
        assertEquals(Decision.DENY, event.decision());
        assertEquals(Action.READ.wireName(), event.action());
        assertEquals(stranger.id(), event.principal());
        assertEquals("prod", event.environment());
        assertEquals("audit/db", event.path());
        assertEquals("10.1.2.3", event.sourceIp());
    }

    @Test
    void failedReadIsAuditedAsAnErrorWithTheCode() {
        Secret secret = createSecret("prod/audit/db");
        addCurrent(secret.id(), TestValues.text());
        AccessContext ctx = admin().withRequestId(requestId("failed-read")).withSourceIp("10.9.9.9");

        Expect.thrown(NotFoundException.class, ErrorCode.VERSION_NOT_FOUND,
                () -> manager().read(ctx, secret.path(), VersionSelector.number(7)));

        AuditEvent event = onlyAuditEventOf(ctx.requestId());
        assertEquals(AuditEventType.SECRET_READ, event.eventType());
        assertEquals(Decision.ERROR, event.decision());
        assertEquals(ErrorCode.VERSION_NOT_FOUND.name(), event.reason());
        assertEquals(admin().principal().id(), event.principal());
        assertEquals("10.9.9.9", event.sourceIp());
        assertEquals("audit/db", event.path());
    }

    @Test
    void unknownSecretIdIsAuditedAsAnErrorOfTheCall() {
        AccessContext ctx = admin().withRequestId(requestId("unknown-id"));
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> manager().describe(ctx, "sec_" + "c".repeat(26)));

        AuditEvent event = onlyAuditEventOf(ctx.requestId());
        assertEquals(AuditEventType.SECRET_DESCRIBE, event.eventType());
        assertEquals(Decision.ERROR, event.decision());
        assertEquals(ErrorCode.SECRET_NOT_FOUND.name(), event.reason());
    }

    @Test
    void writesAreAuditedWithTheirVersionAndAliasMoves() {
        AccessContext create = admin().withRequestId(requestId("create"));
        Secret secret = manager().create(create, NewSecret.builder(path("prod/audit/writes"), TEAM).build());
        AuditEvent created = onlyAuditEventOf(create.requestId());
        assertEquals(AuditEventType.SECRET_CREATE, created.eventType());
        assertEquals(Decision.ALLOW, created.decision());
        assertEquals("audit/writes", created.path());

        AccessContext first = admin().withRequestId(requestId("add-first"));
        addVersion(first, secret.id(), TestValues.text(), VersionStatus.CURRENT);
        assertEquals(1, auditEventOf(first.requestId(), AuditEventType.VERSION_ADD).version());
        AuditEvent firstMove = auditEventOf(first.requestId(), AuditEventType.ALIAS_MOVE);
        assertEquals("alias=current from=none to=1", firstMove.detail());
        assertEquals(2, auditEventsOf(first.requestId()).size());

        AccessContext second = admin().withRequestId(requestId("add-second"));
        addVersion(second, secret.id(), TestValues.text(), VersionStatus.CURRENT);
        assertEquals("alias=current from=1 to=2", auditEventOf(second.requestId(), AuditEventType.ALIAS_MOVE).detail());
        assertEquals(2, auditEventOf(second.requestId(), AuditEventType.ALIAS_MOVE).version());

        AccessContext pending = admin().withRequestId(requestId("add-pending"));
        addVersion(pending, secret.id(), TestValues.text(), VersionStatus.PENDING);
        AuditEvent added = onlyAuditEventOf(pending.requestId());
        assertEquals(AuditEventType.VERSION_ADD, added.eventType());
        assertEquals(3, added.version());

        AccessContext disable = admin().withRequestId(requestId("disable"));
        manager().disable(disable, secret.id(), 3);
        AuditEvent disabled = onlyAuditEventOf(disable.requestId());
        assertEquals(AuditEventType.VERSION_DISABLE, disabled.eventType());
        assertEquals(3, disabled.version());
    }

    @Test
    void everyReadAttemptLeavesExactlyOneEvent() {
        Secret secret = createSecret("prod/audit/counted");
        addCurrent(secret.id(), TestValues.text());
        Principal reader = user("counted");
        grant(reader, Action.READ, "prod/audit/counted");
        for (int i = 0; i < 3; i++) {
            AccessContext ctx = as(reader, "counted-" + i);
            readText(ctx, secret.path(), VersionSelector.current());
            assertEquals(AuditEventType.SECRET_READ, onlyAuditEventOf(ctx.requestId()).eventType());
        }
        assertEquals(3, auditEvents(auditQuery().withPrincipal(reader.id()).withEventType(AuditEventType.SECRET_READ)).size());
    }

    /**
     * Reads of metadata, of the audit trail and of policies are audited too, not only value reads:
     * each allowed call leaves exactly one ALLOW event of its own type under its request id.
     */
    @Test
    void allowedMetadataAuditAndPolicyCallsAreEachAuditedOnce() {
        createSecret("prod/audit/listed");
        Policy policy = grant(user("policy-subject"), Action.READ, "prod/audit/listed");
        Instant since = fixture().clock().map(MutableClock::instant).orElse(Instant.EPOCH);

        assertOneAllowEvent("list", AuditEventType.SECRET_LIST,
                ctx -> manager().list(ctx, SecretFilter.all(), PageRequest.first()));
        assertOneAllowEvent("queryAudit", AuditEventType.AUDIT_QUERY,
                ctx -> manager().queryAudit(ctx, auditQuery(), PageRequest.first()));
        assertOneAllowEvent("summarizeAudit", AuditEventType.AUDIT_QUERY, ctx -> manager().summarizeAudit(ctx, since));
        assertOneAllowEvent("verifyAudit", AuditEventType.AUDIT_VERIFY, ctx -> manager().verifyAudit(ctx));
        assertOneAllowEvent("getPolicy", AuditEventType.POLICY_READ, ctx -> manager().getPolicy(ctx, policy.name()));
        assertOneAllowEvent("listPolicies", AuditEventType.POLICY_READ, ctx -> manager().listPolicies(ctx));
        assertOneAllowEvent("deletePolicy", AuditEventType.POLICY_DELETE, ctx -> {
            manager().deletePolicy(ctx, policy.name());
            return null;
        });
    }

    /** Runs {@code call} as the admin under a fresh request id and asserts it left exactly one ALLOW event of {@code type}. */
    private void assertOneAllowEvent(String method, AuditEventType type, Function<AccessContext, ?> call) {
        AccessContext ctx = admin().withRequestId(requestId("allowed-" + method));
        call.apply(ctx);
        List<AuditEvent> events = auditEventsOf(ctx.requestId());
        assertEquals(1, events.size(), () -> "SecretManager." + method + ": an allowed call must leave exactly one audit event"
                + " (type " + type + ", decision ALLOW) under its request id; found " + events);
        AuditEvent event = events.get(0);
        assertEquals(type, event.eventType(), () -> "SecretManager." + method + ": the audit event of an allowed call has type "
                + type + "; found " + event);
        assertEquals(Decision.ALLOW, event.decision(), () -> "SecretManager." + method
                + ": the audit event of an allowed call has decision ALLOW; found " + event);
    }

    @Test
    void auditEventsNeverContainAValue() throws ReflectiveOperationException {
        Secret secret = createSecret("prod/audit/leak");
        addCurrent(secret.id(), TestValues.text());
        addPending(secret.id(), TestValues.text());
        addCurrent(secret.id(), TestValues.text());
        readText(admin().withReason("reading").withTicket("T-1"), secret.path(), VersionSelector.current());
        readText(admin(), secret.path(), VersionSelector.number(2));
        manager().promote(admin(), secret.id(), 2, OptionalInt.of(3));
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(as(user("stranger")), secret.path(), VersionSelector.current()));
        Expect.thrown(NotFoundException.class, ErrorCode.VERSION_NOT_FOUND,
                () -> manager().read(admin(), secret.path(), VersionSelector.number(9)));
        manager().disable(admin(), secret.id(), 1);
        manager().destroy(admin(), secret.id(), 1);

        List<AuditEvent> events = auditEvents(auditQuery());
        assertTrue(events.size() >= 10, "expected every attempt to be audited, found " + events.size());
        for (AuditEvent event : events) {
            for (RecordComponent component : AuditEvent.class.getRecordComponents()) {
                Object field = component.getAccessor().invoke(event);
                assertNull(field == null ? null : NoValueLeaks.firstIssuedValueIn(field.toString()),
                        () -> "audit field " + component.getName() + " of event " + event.seq() + " holds a secret value");
            }
        }
    }

    @Test
    void auditChainVerifiesIntact() {
        Secret secret = createSecret("prod/audit/chain");
        addCurrent(secret.id(), TestValues.text());
        readText(admin(), secret.path(), VersionSelector.current());
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(as(user("stranger")), secret.path(), VersionSelector.current()));
        long events = auditEvents(auditQuery()).size();

        AuditVerification verification = manager().verifyAudit(admin());
        assertTrue(verification.intact(), () -> "audit chain broken: " + verification.problem());
        assertTrue(verification.eventsChecked() >= events, "verification checked fewer events than were written");
        assertEquals(0, verification.firstBrokenSeq());
    }

    @Test
    void auditQueriesFilterAndKeepOrder() {
        Secret a = createSecret("prod/audit/a");
        Secret b = createSecret("prod/audit/b");
        addCurrent(a.id(), TestValues.text());
        addCurrent(b.id(), TestValues.text());
        Principal reader = user("filter");
        grant(reader, Action.READ, "prod/audit/a");
        readText(as(reader), a.path(), VersionSelector.current());
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(as(reader), b.path(), VersionSelector.current()));

        List<AuditEvent> byReader = auditEvents(auditQuery().withPrincipal(reader.id()));
        assertEquals(List.of(AuditEventType.SECRET_READ, AuditEventType.ACCESS_DENIED),
                byReader.stream().map(AuditEvent::eventType).toList());
        assertTrue(byReader.get(0).seq() < byReader.get(1).seq());
        assertEquals(1, auditEvents(auditQuery().withPrincipal(reader.id()).withDecision(Decision.DENY)).size());
        assertTrue(auditEvents(auditQuery().withSecret("prod", "audit/b")).stream().allMatch(e -> "audit/b".equals(e.path())));
        assertEquals(2, auditEvents(auditQuery().withSecret("prod", "audit/a")).stream()
                .filter(e -> e.eventType() == AuditEventType.SECRET_READ || e.eventType() == AuditEventType.VERSION_ADD).count());
    }

    @Test
    void auditOfAnotherTenantIsDenied() {
        String other = tenant().equals("tck-elsewhere") ? "tck-elsewhere-2" : "tck-elsewhere";
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().queryAudit(admin(), AuditQuery.tenant(other), PageRequest.first()));
    }

    @Test
    void summaryCountsReadsDenialsBreakGlassAndRotations() {
        Instant since = fixture().clock().map(MutableClock::instant).orElse(Instant.EPOCH);
        Secret a = createSecret("prod/summary/a", "team-a");
        Secret b = createSecret("prod/summary/b", "team-b");
        addCurrent(a.id(), TestValues.text());
        addCurrent(a.id(), TestValues.text());
        addCurrent(b.id(), TestValues.text());
        addPending(b.id(), TestValues.text());
        manager().moveAlias(admin(), b.id(), "canary", 2, OptionalInt.empty());

        Principal alice = user("alice");
        Principal bob = user("bob");
        Principal carol = user("carol");
        Principal dave = user("dave");
        grant(alice, Action.READ, "prod/summary/a");
        grant(bob, Action.READ, "prod/summary/*");
        grant(dave, Action.READ_BREAK_GLASS, "prod/summary/*");
        readText(as(alice), a.path(), VersionSelector.current());
        readText(as(alice), a.path(), VersionSelector.current());
        readText(as(bob), a.path(), VersionSelector.current());
        readText(as(bob), b.path(), VersionSelector.current());
        for (int i = 0; i < 2; i++) {
            Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                    () -> manager().read(as(carol), a.path(), VersionSelector.current()));
        }
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(as(alice), b.path(), VersionSelector.current()));
        manager().grantBreakGlass(as(dave), new BreakGlassRequest(List.of("prod/summary/b"), "db outage", "https://tickets.example/INC-5", 30));
        readText(as(dave), b.path(), VersionSelector.current());

        AuditSummary summary = manager().summarizeAudit(admin(), since);

        assertEquals(2L, summary.readsByPrincipal().get(alice.id()));
        assertEquals(2L, summary.readsByPrincipal().get(bob.id()));
        assertEquals(1L, summary.readsByPrincipal().get(dave.id()));
        assertEquals(null, summary.readsByPrincipal().get(carol.id()));
        assertEquals(3L, summary.readsBySecret().get("prod/summary/a"));
        assertEquals(2L, summary.readsBySecret().get("prod/summary/b"));
        assertEquals(2L, summary.deniedReads().get(carol.id()));
        assertEquals(1L, summary.deniedReads().get(alice.id()));
        assertEquals(3L, summary.deniedReadCount());
        assertEquals(1, summary.breakGlassReads().size());
        AuditEvent breakGlass = summary.breakGlassReads().get(0);
        assertEquals(dave.id(), breakGlass.principal());
        assertEquals("db outage", breakGlass.reason());
        assertEquals("https://tickets.example/INC-5", breakGlass.ticket());
        assertEquals(2L, summary.rotationsByOwnerTeam().get("team-a"));
        assertEquals(1L, summary.rotationsByOwnerTeam().get("team-b"));
        assertTrue(summary.pastRotationPeriod().isEmpty());
    }

    @Test
    void summaryListsSecretsPastTheirRotationPeriod() {
        MutableClock clock = clock();
        Instant start = clock.instant();
        Secret rotatedDaily = manager().create(admin(), NewSecret.builder(path("prod/rotation/daily"), "team-a")
                .rotationPeriod(Duration.ofDays(1)).build());
        Secret neverRotated = manager().create(admin(), NewSecret.builder(path("prod/rotation/empty"), "team-b")
                .rotationPeriod(Duration.ofDays(1)).build());
        Secret quarterly = manager().create(admin(), NewSecret.builder(path("prod/rotation/quarterly"), "team-a")
                .rotationPeriod(Duration.ofDays(90)).build());
        Secret leaving = manager().create(admin(), NewSecret.builder(path("prod/rotation/leaving"), "team-a")
                .rotationPeriod(Duration.ofDays(1)).build());
        createSecret("prod/rotation/untracked");
        clock.advance(Duration.ofHours(6));
        addCurrent(rotatedDaily.id(), TestValues.text());
        addCurrent(quarterly.id(), TestValues.text());
        manager().scheduleDeletion(admin(), leaving.id());

        clock.advance(Duration.ofDays(2));
        AuditSummary summary = manager().summarizeAudit(admin(), start);

        assertEquals(clock.instant(), summary.until());
        assertEquals(Set.of("prod/rotation/daily", "prod/rotation/empty"),
                summary.pastRotationPeriod().stream().map(AuditSummary.OverdueRotation::path).collect(Collectors.toSet()));
        AuditSummary.OverdueRotation daily = summary.pastRotationPeriod().stream()
                .filter(o -> o.secretId().equals(rotatedDaily.id())).findFirst().orElseThrow();
        assertEquals(start.plus(Duration.ofHours(6)).plus(Duration.ofDays(1)), daily.dueAt());
        assertEquals("team-a", daily.ownerTeam());
        AuditSummary.OverdueRotation empty = summary.pastRotationPeriod().stream()
                .filter(o -> o.secretId().equals(neverRotated.id())).findFirst().orElseThrow();
        assertEquals(start.plus(Duration.ofDays(1)), empty.dueAt());
    }
}
