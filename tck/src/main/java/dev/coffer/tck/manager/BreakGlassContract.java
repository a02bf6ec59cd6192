package dev.coffer.tck.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Action;
import dev.coffer.spi.access.BreakGlassGrant;
import dev.coffer.spi.access.BreakGlassRequest;
import dev.coffer.spi.access.Conditions;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.error.AccessDeniedException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.VersionDisabledException;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.MutableClock;
import dev.coffer.tck.support.TestValues;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Break-glass: emergency reads for a bounded time with a mandatory reason and ticket, audited
 * as such. A grant opens what no allow opens, never what a deny closes. Part of
 * {@link dev.coffer.tck.SecretManagerContract}.
 */
public abstract class BreakGlassContract extends ManagerContractBase {
    private static final String REASON = "payments down, db password needed";
    private static final String TICKET = "https://tickets.example/INC-77";
    private static final String POLICY = "tck-break-glass";

    private Secret a;
    private Secret b;
    private String valueA;
    private Principal responder;

    @BeforeEach
    void secretsAndAResponder() {
        a = createSecret("prod/bg/a");
        b = createSecret("prod/bg/b");
        valueA = TestValues.text();
        addCurrent(a.id(), valueA);
        addCurrent(b.id(), TestValues.text());
        responder = user("responder");
        allow(POLICY, responder, Action.READ_BREAK_GLASS, "prod/bg/*");
    }

    private static BreakGlassRequest request(String resource, int minutes) {
        return new BreakGlassRequest(List.of(resource), REASON, TICKET, minutes);
    }

    @Test
    void requestWithoutReasonOrTicketIsInvalid() {
        List<String> resources = List.of("prod/bg/a");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> new BreakGlassRequest(resources, null, TICKET, 30));
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> new BreakGlassRequest(resources, " ", TICKET, 30));
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> new BreakGlassRequest(resources, REASON, null, 30));
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> new BreakGlassRequest(resources, REASON, "", 30));
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> new BreakGlassRequest(List.of(), REASON, TICKET, 30));
    }

    @ParameterizedTest(name = "{0} minutes")
    @ValueSource(ints = {0, 241, -1})
    void durationOutsideOneToFourHoursIsInvalid(int minutes) {
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> request("prod/bg/a", minutes));
    }

    @Test
    void grantLastsTheRequestedMinutesUpToFourHours() {
        BreakGlassGrant grant = manager().grantBreakGlass(as(responder), request("prod/bg/a", BreakGlassRequest.MAX_DURATION_MINUTES));
        assertEquals(Duration.ofMinutes(240), Duration.between(grant.createdAt(), grant.expiresAt()));
        fixture().clock().ifPresent(clock -> assertEquals(clock.instant(), grant.createdAt()));
    }

    @Test
    void grantWithoutBreakGlassPermissionIsDenied() {
        Principal reader = user("reader");
        grant(reader, Action.READ, "prod/bg/*");
        AccessContext ctx = as(reader, "bg-no-permission");

        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().grantBreakGlass(ctx, request("prod/bg/a", 30)));

        AuditEvent event = onlyAuditEventOf(ctx.requestId());
        assertEquals(AuditEventType.ACCESS_DENIED, event.eventType());
        assertEquals(Decision.DENY, event.decision());
        assertEquals(Action.READ_BREAK_GLASS.wireName(), event.action());
    }

    @Test
    void grantBeyondThePermittedResourcesIsDenied() {
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().grantBreakGlass(as(responder), request("prod/*", 30)));
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().grantBreakGlass(as(responder),
                        new BreakGlassRequest(List.of("prod/bg/a", "prod/other/x"), REASON, TICKET, 30)));
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(as(responder), a.path(), VersionSelector.current()));
    }

    @Test
    void grantOverlappingADenyIsDenied() {
        deny("tck-bg-not-b", responder.id(), List.of(Action.READ_BREAK_GLASS), "prod/bg/b");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().grantBreakGlass(as(responder), request("prod/bg/*", 30)));
        manager().grantBreakGlass(as(responder), request("prod/bg/a", 30));
    }

    @Test
    void grantOverlappingADenyOfReadingIsDenied() {
        deny("tck-bg-never-b", responder.id(), List.of(Action.READ), "prod/bg/b");
        AccessContext ctx = as(responder, "bg-deny-read");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().grantBreakGlass(ctx, request("prod/bg/*", 30)));
        AuditEvent event = onlyAuditEventOf(ctx.requestId());
        assertEquals(AuditEventType.ACCESS_DENIED, event.eventType());
        assertEquals(Action.READ_BREAK_GLASS.wireName(), event.action());
        manager().grantBreakGlass(as(responder), request("prod/bg/a", 30));
    }

    @Test
    void grantOverlappingADenyOfEveryActionIsDenied() {
        putPolicy(Policy.deny("tck-bg-lockdown", List.of("user:tck-*"), List.of(Action.ALL), List.of("prod/bg/b")));
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().grantBreakGlass(as(responder), request("prod/bg/b", 30)));
    }

    @Test
    void aDenyPutAfterTheGrantWinsOverIt() {
        manager().grantBreakGlass(as(responder), request("prod/bg/*", 30));
        assertEquals(valueA, readText(as(responder), a.path(), VersionSelector.current()));
        deny("tck-bg-closed", "group:tck-responders", List.of(Action.READ), "prod/bg/a");
        Principal member = responder.withGroups("tck-responders");

        AccessContext ctx = as(member, "bg-after-deny");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(ctx, a.path(), VersionSelector.current()));
        AuditEvent event = onlyAuditEventOf(ctx.requestId());
        assertEquals(AuditEventType.ACCESS_DENIED, event.eventType());
        assertEquals(Action.READ.wireName(), event.action());
        assertTrue(auditEvents(AuditEventType.BREAK_GLASS_READ).stream().noneMatch(e -> ctx.requestId().equals(e.requestId())));
    }

    @Test
    void aConditionalDenyThatCannotBeRuledOutWinsOverTheGrant() {
        manager().grantBreakGlass(as(responder), request("prod/bg/a", 30));
        putPolicy(Policy.deny("tck-bg-sandbox", List.of("user:tck-*"), List.of(Action.READ.wireName()), List.of("prod/bg/*"))
                .withConditions(Conditions.none().withSourceCluster("sandbox")));
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(as(responder), a.path(), VersionSelector.current()));
        assertEquals(valueA, readText(as(responder.withCluster("prod-eu-1")), a.path(), VersionSelector.current()));
    }

    @Test
    void grantIsAuditedWithReasonAndTicket() {
        AccessContext ctx = as(responder, "bg-grant").withSourceIp("10.7.7.7");
        BreakGlassGrant grant = manager().grantBreakGlass(ctx, request("prod/bg/*", 30));

        assertTrue(grant.id().startsWith("bg_"), grant.id());
        assertEquals(tenant(), grant.tenant());
        assertEquals(responder.id(), grant.principalId());
        assertEquals(List.of("prod/bg/*"), grant.resources());
        assertEquals(REASON, grant.reason());
        assertEquals(TICKET, grant.ticketUrl());
        assertEquals(Duration.ofMinutes(30), Duration.between(grant.createdAt(), grant.expiresAt()));

        AuditEvent event = onlyAuditEventOf(ctx.requestId());
        assertEquals(AuditEventType.BREAK_GLASS_GRANT, event.eventType());
        assertEquals(Decision.ALLOW, event.decision());
        assertEquals(responder.id(), event.principal());
        assertEquals(REASON, event.reason());
        assertEquals(TICKET, event.ticket());
        assertEquals("10.7.7.7", event.sourceIp());
        assertTrue(event.detail().startsWith("grant=" + grant.id() + " "), event.detail());
    }

    @Test
    void readUnderAGrantSucceedsAndIsAuditedAsBreakGlassRead() {
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(as(responder), a.path(), VersionSelector.current()));
        manager().grantBreakGlass(as(responder), request("prod/bg/a", 30));

        AccessContext ctx = as(responder, "bg-read").withSourceIp("10.7.7.7");
        assertEquals(valueA, readText(ctx, a.path(), VersionSelector.current()));

        AuditEvent event = onlyAuditEventOf(ctx.requestId());
        assertEquals(AuditEventType.BREAK_GLASS_READ, event.eventType());
        assertEquals(Decision.ALLOW, event.decision());
        assertEquals(responder.id(), event.principal());
        assertEquals("bg/a", event.path());
        assertEquals(1, event.version());
        assertEquals(REASON, event.reason());
        assertEquals(TICKET, event.ticket());
        assertEquals(Action.READ_BREAK_GLASS.wireName(), event.action());
        assertEquals("10.7.7.7", event.sourceIp());
    }

    @Test
    void pathOutsideTheGrantStaysDenied() {
        manager().grantBreakGlass(as(responder), request("prod/bg/a", 30));
        AccessContext ctx = as(responder, "bg-outside");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(ctx, b.path(), VersionSelector.current()));
        AuditEvent event = onlyAuditEventOf(ctx.requestId());
        assertEquals(AuditEventType.ACCESS_DENIED, event.eventType());
        assertEquals(Action.READ.wireName(), event.action());
    }

    @Test
    void grantIsPersonal() {
        Principal colleague = user("colleague");
        allow("tck-bg-colleague", colleague, Action.READ_BREAK_GLASS, "prod/bg/*");
        manager().grantBreakGlass(as(responder), request("prod/bg/a", 30));
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(as(colleague), a.path(), VersionSelector.current()));
    }

    @Test
    void grantStopsWorkingWhenItExpires() {
        MutableClock clock = clock();
        manager().grantBreakGlass(as(responder), request("prod/bg/a", 30));
        clock.advance(Duration.ofMinutes(29));
        assertEquals(valueA, readText(as(responder), a.path(), VersionSelector.current()));

        clock.advance(Duration.ofMinutes(1));
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(as(responder), a.path(), VersionSelector.current()));
    }

    @Test
    void revokingTheBreakGlassPolicyEndsTheGrant() {
        manager().grantBreakGlass(as(responder), request("prod/bg/a", 30));
        manager().deletePolicy(admin(), POLICY);
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(as(responder), a.path(), VersionSelector.current()));
    }

    @Test
    void grantConditionsSeeTheTicketOfTheRequest() {
        Principal oncall = user("oncall");
        putPolicy(Policy.allow("tck-bg-ticketed", List.of(oncall.id()), List.of(Action.READ_BREAK_GLASS.wireName()),
                List.of("prod/bg/*")).withConditions(Conditions.none().withTicketRequired()));
        BreakGlassGrant grant = manager().grantBreakGlass(as(oncall), request("prod/bg/b", 30));
        assertEquals(oncall.id(), grant.principalId());
    }

    @Test
    void breakGlassDoesNotBypassVersionState() {
        String two = TestValues.text();
        addPending(a.id(), two);
        manager().disable(admin(), a.id(), 2);
        manager().grantBreakGlass(as(responder), request("prod/bg/a", 30));
        Expect.thrown(VersionDisabledException.class, ErrorCode.VERSION_DISABLED,
                () -> manager().read(as(responder), a.path(), VersionSelector.number(2)));
    }
}
