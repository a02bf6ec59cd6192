package dev.coffer.tck.manager;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
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
import java.util.function.Supplier;
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

    /** Asserts {@code ctx} may not read {@code secret}: ACCESS_DENIED, with {@code rule} on failure. */
    private void assertReadDenied(AccessContext ctx, Secret secret, Supplier<String> rule) {
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(ctx, secret.path(), VersionSelector.current()),
                () -> rule.get() + "; SecretManager.read(" + secret.path() + ", current) as " + ctx.principal().id()
                        + " must fail with ACCESS_DENIED");
    }

    /** Asserts {@code ctx} reads {@code expected} as the current value of {@code secret}; the value is never shown. */
    private void assertReadsCurrent(String expected, AccessContext ctx, Secret secret, Supplier<String> rule) {
        Supplier<String> call = () -> rule.get() + "; SecretManager.read(" + secret.path() + ", current) as "
                + ctx.principal().id();
        String read = assertDoesNotThrow(() -> readText(ctx, secret.path(), VersionSelector.current()),
                () -> call.get() + " must be allowed");
        assertSameValue(expected, read, () -> call.get() + " must return the current value");
    }

    @Test
    void requestWithoutReasonOrTicketIsInvalid() {
        List<String> resources = List.of("prod/bg/a");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> new BreakGlassRequest(resources, null, TICKET, 30),
                () -> "rule: a BreakGlassRequest needs a reason; reason null fails with INVALID_ARGUMENT");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> new BreakGlassRequest(resources, " ", TICKET, 30),
                () -> "rule: a BreakGlassRequest needs a reason; a blank reason fails with INVALID_ARGUMENT");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> new BreakGlassRequest(resources, REASON, null, 30),
                () -> "rule: a BreakGlassRequest needs a ticket; ticket null fails with INVALID_ARGUMENT");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> new BreakGlassRequest(resources, REASON, "", 30),
                () -> "rule: a BreakGlassRequest needs a ticket; an empty ticket fails with INVALID_ARGUMENT");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> new BreakGlassRequest(List.of(), REASON, TICKET, 30),
                () -> "rule: a BreakGlassRequest names at least one resource; no resources fails with INVALID_ARGUMENT");
    }

    @ParameterizedTest(name = "{0} minutes")
    @ValueSource(ints = {0, 241, -1})
    void durationOutsideOneToFourHoursIsInvalid(int minutes) {
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT, () -> request("prod/bg/a", minutes),
                () -> "rule: a BreakGlassRequest lasts 1 to " + BreakGlassRequest.MAX_DURATION_MINUTES + " minutes; "
                        + minutes + " minutes fails with INVALID_ARGUMENT");
    }

    @Test
    void grantLastsTheRequestedMinutesUpToFourHours() {
        BreakGlassGrant grant = manager().grantBreakGlass(as(responder), request("prod/bg/a", BreakGlassRequest.MAX_DURATION_MINUTES));
        assertEquals(Duration.ofMinutes(240), Duration.between(grant.createdAt(), grant.expiresAt()),
                () -> "rule: SecretManager.grantBreakGlass for " + BreakGlassRequest.MAX_DURATION_MINUTES + " minutes"
                        + " gives a grant expiring that long after it was made (" + grant.id() + ": " + grant.createdAt()
                        + " to " + grant.expiresAt() + ")");
        fixture().clock().ifPresent(clock -> assertEquals(clock.instant(), grant.createdAt(),
                () -> "rule: SecretManager.grantBreakGlass stamps createdAt with the fixture clock's time (" + grant.id() + ")"));
    }

    @Test
    void grantWithoutBreakGlassPermissionIsDenied() {
        Principal reader = user("reader");
        grant(reader, Action.READ, "prod/bg/*");
        AccessContext ctx = as(reader, "bg-no-permission");

        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().grantBreakGlass(ctx, request("prod/bg/a", 30)),
                () -> "rule: SecretManager.grantBreakGlass needs " + Action.READ_BREAK_GLASS.wireName() + "; "
                        + reader.id() + " with only " + Action.READ.wireName() + " on prod/bg/* fails with ACCESS_DENIED");

        String rule = "rule: a refused SecretManager.grantBreakGlass by " + reader.id() + " leaves one ACCESS_DENIED event,"
                + " DENY, action " + Action.READ_BREAK_GLASS.wireName() + " (request " + ctx.requestId() + ")";
        AuditEvent event = onlyAuditEventOf(ctx.requestId(), () -> rule);
        assertEquals(AuditEventType.ACCESS_DENIED, event.eventType(), () -> rule + "; field eventType");
        assertEquals(Decision.DENY, event.decision(), () -> rule + "; field decision");
        assertEquals(Action.READ_BREAK_GLASS.wireName(), event.action(), () -> rule + "; field action");
    }

    @Test
    void grantBeyondThePermittedResourcesIsDenied() {
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().grantBreakGlass(as(responder), request("prod/*", 30)),
                () -> "rule: SecretManager.grantBreakGlass for resources wider than the principal's "
                        + Action.READ_BREAK_GLASS.wireName() + " allow fails with ACCESS_DENIED (" + responder.id()
                        + " allowed prod/bg/*, asked prod/*)");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().grantBreakGlass(as(responder),
                        new BreakGlassRequest(List.of("prod/bg/a", "prod/other/x"), REASON, TICKET, 30)),
                () -> "rule: SecretManager.grantBreakGlass fails with ACCESS_DENIED when any one resource is outside the"
                        + " allow (" + responder.id() + " allowed prod/bg/*, asked prod/bg/a and prod/other/x)");
        assertReadDenied(as(responder), a, () -> "rule: a refused grantBreakGlass grants nothing, not even for the"
                + " resources that were within the allow (prod/bg/a)");
    }

    @Test
    void grantOverlappingADenyIsDenied() {
        deny("tck-bg-not-b", responder.id(), List.of(Action.READ_BREAK_GLASS), "prod/bg/b");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().grantBreakGlass(as(responder), request("prod/bg/*", 30)),
                () -> "rule: SecretManager.grantBreakGlass for prod/bg/* fails with ACCESS_DENIED when a deny of "
                        + Action.READ_BREAK_GLASS.wireName() + " covers part of it (policy tck-bg-not-b on prod/bg/b, "
                        + responder.id() + ")");
        manager().grantBreakGlass(as(responder), request("prod/bg/a", 30));
    }

    @Test
    void grantOverlappingADenyOfReadingIsDenied() {
        deny("tck-bg-never-b", responder.id(), List.of(Action.READ), "prod/bg/b");
        AccessContext ctx = as(responder, "bg-deny-read");
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().grantBreakGlass(ctx, request("prod/bg/*", 30)),
                () -> "rule: SecretManager.grantBreakGlass for prod/bg/* fails with ACCESS_DENIED when a deny of "
                        + Action.READ.wireName() + " covers part of it (policy tck-bg-never-b on prod/bg/b, "
                        + responder.id() + ")");
        String rule = "rule: a grantBreakGlass refused for a deny leaves one ACCESS_DENIED event, action "
                + Action.READ_BREAK_GLASS.wireName() + " (request " + ctx.requestId() + ")";
        AuditEvent event = onlyAuditEventOf(ctx.requestId(), () -> rule);
        assertEquals(AuditEventType.ACCESS_DENIED, event.eventType(), () -> rule + "; field eventType");
        assertEquals(Action.READ_BREAK_GLASS.wireName(), event.action(), () -> rule + "; field action");
        manager().grantBreakGlass(as(responder), request("prod/bg/a", 30));
    }

    @Test
    void grantOverlappingADenyOfEveryActionIsDenied() {
        putPolicy(Policy.deny("tck-bg-lockdown", List.of("user:tck-*"), List.of(Action.ALL), List.of("prod/bg/b")));
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().grantBreakGlass(as(responder), request("prod/bg/b", 30)),
                () -> "rule: SecretManager.grantBreakGlass fails with ACCESS_DENIED where a deny of every action ("
                        + Action.ALL + ") applies (policy tck-bg-lockdown on prod/bg/b, " + responder.id() + ")");
    }

    @Test
    void aDenyPutAfterTheGrantWinsOverIt() {
        manager().grantBreakGlass(as(responder), request("prod/bg/*", 30));
        assertReadsCurrent(valueA, as(responder), a, () -> "rule: a break-glass grant on prod/bg/* lets its holder read"
                + " prod/bg/a");
        deny("tck-bg-closed", "group:tck-responders", List.of(Action.READ), "prod/bg/a");
        Principal member = responder.withGroups("tck-responders");

        AccessContext ctx = as(member, "bg-after-deny");
        assertReadDenied(ctx, a, () -> "rule: a deny put after a break-glass grant wins over it (policy tck-bg-closed,"
                + " group:tck-responders, on prod/bg/a)");
        String rule = "rule: a read under a grant refused by a later deny leaves one ACCESS_DENIED event, action "
                + Action.READ.wireName() + ", and no BREAK_GLASS_READ (request " + ctx.requestId() + ")";
        AuditEvent event = onlyAuditEventOf(ctx.requestId(), () -> rule);
        assertEquals(AuditEventType.ACCESS_DENIED, event.eventType(), () -> rule + "; field eventType");
        assertEquals(Action.READ.wireName(), event.action(), () -> rule + "; field action");
        assertTrue(auditEvents(AuditEventType.BREAK_GLASS_READ).stream().noneMatch(e -> ctx.requestId().equals(e.requestId())),
                () -> rule + "; found a BREAK_GLASS_READ event under the request");
    }

    @Test
    void aConditionalDenyThatCannotBeRuledOutWinsOverTheGrant() {
        manager().grantBreakGlass(as(responder), request("prod/bg/a", 30));
        putPolicy(Policy.deny("tck-bg-sandbox", List.of("user:tck-*"), List.of(Action.READ.wireName()), List.of("prod/bg/*"))
                .withConditions(Conditions.none().withSourceCluster("sandbox")));
        assertReadDenied(as(responder), a, () -> "rule: a conditional deny that the request cannot rule out (sourceCluster"
                + " sandbox, caller names no cluster) wins over a break-glass grant (policy tck-bg-sandbox)");
        assertReadsCurrent(valueA, as(responder.withCluster("prod-eu-1")), a, () -> "rule: a conditional deny the request"
                + " proves false (cluster prod-eu-1, deny for sandbox) leaves the break-glass grant working");
    }

    @Test
    void grantIsAuditedWithReasonAndTicket() {
        AccessContext ctx = as(responder, "bg-grant").withSourceIp("10.7.7.7");
        BreakGlassGrant grant = manager().grantBreakGlass(ctx, request("prod/bg/*", 30));
        String returned = "rule: SecretManager.grantBreakGlass(prod/bg/*, 30 minutes) by " + responder.id()
                + " returns the grant as asked";

        assertTrue(grant.id().startsWith("bg_"), () -> returned + "; its id starts with bg_, got " + grant.id());
        assertEquals(tenant(), grant.tenant(), () -> returned + "; field tenant");
        assertEquals(responder.id(), grant.principalId(), () -> returned + "; field principalId");
        assertEquals(List.of("prod/bg/*"), grant.resources(), () -> returned + "; field resources");
        assertEquals(REASON, grant.reason(), () -> returned + "; field reason");
        assertEquals(TICKET, grant.ticketUrl(), () -> returned + "; field ticketUrl");
        assertEquals(Duration.ofMinutes(30), Duration.between(grant.createdAt(), grant.expiresAt()),
                () -> returned + "; expiresAt is 30 minutes after createdAt");

        String rule = "rule: SecretManager.grantBreakGlass is audited as one BREAK_GLASS_GRANT event, ALLOW, with reason,"
                + " ticket, source address and the grant id (" + grant.id() + ", request " + ctx.requestId() + ")";
        AuditEvent event = onlyAuditEventOf(ctx.requestId(), () -> rule);
        assertEquals(AuditEventType.BREAK_GLASS_GRANT, event.eventType(), () -> rule + "; field eventType");
        assertEquals(Decision.ALLOW, event.decision(), () -> rule + "; field decision");
        assertEquals(responder.id(), event.principal(), () -> rule + "; field principal");
        assertEquals(REASON, event.reason(), () -> rule + "; field reason");
        assertEquals(TICKET, event.ticket(), () -> rule + "; field ticket");
        assertEquals("10.7.7.7", event.sourceIp(), () -> rule + "; field sourceIp");
        assertTrue(event.detail().startsWith("grant=" + grant.id() + " "),
                () -> rule + "; field detail starts with grant=" + grant.id() + ", got " + event.detail());
    }

    @Test
    void readUnderAGrantSucceedsAndIsAuditedAsBreakGlassRead() {
        assertReadDenied(as(responder), a, () -> "rule: " + Action.READ_BREAK_GLASS.wireName() + " alone, without a"
                + " grant, opens nothing");
        manager().grantBreakGlass(as(responder), request("prod/bg/a", 30));

        AccessContext ctx = as(responder, "bg-read").withSourceIp("10.7.7.7");
        assertReadsCurrent(valueA, ctx, a, () -> "rule: a break-glass grant on prod/bg/a opens what no allow opens");

        String rule = "rule: a read under a break-glass grant is audited as one BREAK_GLASS_READ event, ALLOW, action "
                + Action.READ_BREAK_GLASS.wireName() + ", with the grant's reason and ticket (" + a.path() + ", request "
                + ctx.requestId() + ")";
        AuditEvent event = onlyAuditEventOf(ctx.requestId(), () -> rule);
        assertEquals(AuditEventType.BREAK_GLASS_READ, event.eventType(), () -> rule + "; field eventType");
        assertEquals(Decision.ALLOW, event.decision(), () -> rule + "; field decision");
        assertEquals(responder.id(), event.principal(), () -> rule + "; field principal");
        assertEquals("bg/a", event.path(), () -> rule + "; field path");
        assertEquals(1, event.version(), () -> rule + "; field version");
        assertEquals(REASON, event.reason(), () -> rule + "; field reason");
        assertEquals(TICKET, event.ticket(), () -> rule + "; field ticket");
        assertEquals(Action.READ_BREAK_GLASS.wireName(), event.action(), () -> rule + "; field action");
        assertEquals("10.7.7.7", event.sourceIp(), () -> rule + "; field sourceIp");
    }

    @Test
    void pathOutsideTheGrantStaysDenied() {
        manager().grantBreakGlass(as(responder), request("prod/bg/a", 30));
        AccessContext ctx = as(responder, "bg-outside");
        assertReadDenied(ctx, b, () -> "rule: a break-glass grant opens only its resources (granted prod/bg/a)");
        String rule = "rule: a read outside a break-glass grant is audited as one ACCESS_DENIED event, action "
                + Action.READ.wireName() + " (" + b.path() + ", request " + ctx.requestId() + ")";
        AuditEvent event = onlyAuditEventOf(ctx.requestId(), () -> rule);
        assertEquals(AuditEventType.ACCESS_DENIED, event.eventType(), () -> rule + "; field eventType");
        assertEquals(Action.READ.wireName(), event.action(), () -> rule + "; field action");
    }

    @Test
    void grantIsPersonal() {
        Principal colleague = user("colleague");
        allow("tck-bg-colleague", colleague, Action.READ_BREAK_GLASS, "prod/bg/*");
        manager().grantBreakGlass(as(responder), request("prod/bg/a", 30));
        assertReadDenied(as(colleague), a, () -> "rule: a break-glass grant is personal; " + responder.id() + "'s grant"
                + " opens nothing for " + colleague.id() + ", who may ask for one but has none");
    }

    @Test
    void grantStopsWorkingWhenItExpires() {
        MutableClock clock = clock();
        manager().grantBreakGlass(as(responder), request("prod/bg/a", 30));
        clock.advance(Duration.ofMinutes(29));
        assertReadsCurrent(valueA, as(responder), a, () -> "rule: a 30-minute break-glass grant still works 29 minutes"
                + " after it was made");

        clock.advance(Duration.ofMinutes(1));
        assertReadDenied(as(responder), a, () -> "rule: a 30-minute break-glass grant stops working at its expiresAt"
                + " (30 minutes after it was made)");
    }

    @Test
    void revokingTheBreakGlassPolicyEndsTheGrant() {
        manager().grantBreakGlass(as(responder), request("prod/bg/a", 30));
        manager().deletePolicy(admin(), POLICY);
        assertReadDenied(as(responder), a, () -> "rule: deleting the policy that allowed " + Action.READ_BREAK_GLASS.wireName()
                + " (" + POLICY + ") ends the grants it allowed");
    }

    @Test
    void grantConditionsSeeTheTicketOfTheRequest() {
        Principal oncall = user("oncall");
        putPolicy(Policy.allow("tck-bg-ticketed", List.of(oncall.id()), List.of(Action.READ_BREAK_GLASS.wireName()),
                List.of("prod/bg/*")).withConditions(Conditions.none().withTicketRequired()));
        BreakGlassGrant grant = manager().grantBreakGlass(as(oncall), request("prod/bg/b", 30));
        assertEquals(oncall.id(), grant.principalId(), () -> "rule: the conditions of a " + Action.READ_BREAK_GLASS.wireName()
                + " allow see the request's ticket, so ticketRequired holds for SecretManager.grantBreakGlass with a ticket"
                + " (policy tck-bg-ticketed, " + oncall.id() + ")");
    }

    @Test
    void breakGlassDoesNotBypassVersionState() {
        String two = TestValues.text();
        addPending(a.id(), two);
        manager().disable(admin(), a.id(), 2);
        manager().grantBreakGlass(as(responder), request("prod/bg/a", 30));
        Expect.thrown(VersionDisabledException.class, ErrorCode.VERSION_DISABLED,
                () -> manager().read(as(responder), a.path(), VersionSelector.number(2)),
                () -> "rule: break-glass does not bypass version state; SecretManager.read(" + a.path() + ", version 2)"
                        + " of DISABLED version 2 under a grant fails with VERSION_DISABLED");
    }
}
