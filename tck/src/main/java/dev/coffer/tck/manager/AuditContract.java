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
import java.util.function.Supplier;
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
        String rule = "rule: an allowed SecretManager.read(" + secret.path() + ", current = version 2) by " + reader.id()
                + " leaves one SECRET_READ event, ALLOW, with who, what and where (request " + ctx.requestId() + ")";

        AuditEvent event = onlyAuditEventOf(ctx.requestId(), () -> rule);
        assertEquals(AuditEventType.SECRET_READ, event.eventType(), () -> rule + "; field eventType");
        assertEquals(Decision.ALLOW, event.decision(), () -> rule + "; field decision");
        assertEquals(tenant(), event.tenant(), () -> rule + "; field tenant");
        assertEquals("prod", event.environment(), () -> rule + "; field environment");
        assertEquals("audit/db", event.path(), () -> rule + "; field path");
        assertEquals(2, event.version(), () -> rule + "; field version (the number current resolved to)");
        assertEquals(reader.id(), event.principal(), () -> rule + "; field principal");
        assertEquals("10.1.2.3", event.sourceIp(), () -> rule + "; field sourceIp (from the context)");
        assertEquals("tck audit check", event.reason(), () -> rule + "; field reason (from the context)");
        assertEquals("https://tickets.example/TCK-9", event.ticket(), () -> rule + "; field ticket (from the context)");
        fixture().clock().ifPresent(clock -> assertEquals(clock.instant(), event.createdAt(),
                () -> rule + "; field createdAt (the fixture clock's time of the read)"));
    }

    @Test
    void deniedReadIsAuditedAsAccessDenied() {
        Secret secret = createSecret("prod/audit/db");
        addCurrent(secret.id(), TestValues.text());
        Principal stranger = user("stranger");
        AccessContext ctx = richContext(stranger, "denied-read");

        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(ctx, secret.path(), VersionSelector.current()),
                () -> "rule: SecretManager.read by a principal no policy allows fails with ACCESS_DENIED ("
                        + stranger.id() + " on " + secret.path() + ")");
        String rule = "rule: a denied SecretManager.read(" + secret.path() + ") by " + stranger.id()
                + " leaves one ACCESS_DENIED event, DENY, action " + Action.READ.wireName() + " (request " + ctx.requestId() + ")";

        AuditEvent event = onlyAuditEventOf(ctx.requestId(), () -> rule);
        assertEquals(AuditEventType.ACCESS_DENIED, event.eventType(), () -> rule + "; field eventType");
        assertEquals(Decision.DENY, event.decision(), () -> rule + "; field decision");
        assertEquals(Action.READ.wireName(), event.action(), () -> rule + "; field action");
        assertEquals(stranger.id(), event.principal(), () -> rule + "; field principal");
        assertEquals("prod", event.environment(), () -> rule + "; field environment");
        assertEquals("audit/db", event.path(), () -> rule + "; field path");
        assertEquals("10.1.2.3", event.sourceIp(), () -> rule + "; field sourceIp");
    }

    @Test
    void failedReadIsAuditedAsAnErrorWithTheCode() {
        Secret secret = createSecret("prod/audit/db");
        addCurrent(secret.id(), TestValues.text());
        AccessContext ctx = admin().withRequestId(requestId("failed-read")).withSourceIp("10.9.9.9");

        Expect.thrown(NotFoundException.class, ErrorCode.VERSION_NOT_FOUND,
                () -> manager().read(ctx, secret.path(), VersionSelector.number(7)),
                () -> "rule: SecretManager.read of a version never added fails with VERSION_NOT_FOUND (" + secret.path()
                        + ", version 7; only 1 exists)");
        String rule = "rule: a failed SecretManager.read(" + secret.path() + ", version 7) leaves one SECRET_READ event,"
                + " ERROR, with the error code as reason (request " + ctx.requestId() + ")";

        AuditEvent event = onlyAuditEventOf(ctx.requestId(), () -> rule);
        assertEquals(AuditEventType.SECRET_READ, event.eventType(), () -> rule + "; field eventType");
        assertEquals(Decision.ERROR, event.decision(), () -> rule + "; field decision");
        assertEquals(ErrorCode.VERSION_NOT_FOUND.name(), event.reason(), () -> rule + "; field reason");
        assertEquals(admin().principal().id(), event.principal(), () -> rule + "; field principal");
        assertEquals("10.9.9.9", event.sourceIp(), () -> rule + "; field sourceIp");
        assertEquals("audit/db", event.path(), () -> rule + "; field path");
    }

    @Test
    void unknownSecretIdIsAuditedAsAnErrorOfTheCall() {
        AccessContext ctx = admin().withRequestId(requestId("unknown-id"));
        String id = "sec_" + "c".repeat(26);
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> manager().describe(ctx, id),
                () -> "rule: SecretManager.describe of an unknown secret id fails with SECRET_NOT_FOUND (" + id + ")");
        String rule = "rule: a SecretManager.describe of unknown id " + id + " leaves one SECRET_DESCRIBE event, ERROR,"
                + " reason SECRET_NOT_FOUND (request " + ctx.requestId() + ")";

        AuditEvent event = onlyAuditEventOf(ctx.requestId(), () -> rule);
        assertEquals(AuditEventType.SECRET_DESCRIBE, event.eventType(), () -> rule + "; field eventType");
        assertEquals(Decision.ERROR, event.decision(), () -> rule + "; field decision");
        assertEquals(ErrorCode.SECRET_NOT_FOUND.name(), event.reason(), () -> rule + "; field reason");
    }

    @Test
    void writesAreAuditedWithTheirVersionAndAliasMoves() {
        AccessContext create = admin().withRequestId(requestId("create"));
        Secret secret = manager().create(create, NewSecret.builder(path("prod/audit/writes"), TEAM).build());
        String createRule = "rule: SecretManager.create(" + secret.path() + ") leaves one SECRET_CREATE event, ALLOW,"
                + " on its path (request " + create.requestId() + ")";
        AuditEvent created = onlyAuditEventOf(create.requestId(), () -> createRule);
        assertEquals(AuditEventType.SECRET_CREATE, created.eventType(), () -> createRule + "; field eventType");
        assertEquals(Decision.ALLOW, created.decision(), () -> createRule + "; field decision");
        assertEquals("audit/writes", created.path(), () -> createRule + "; field path");

        AccessContext first = admin().withRequestId(requestId("add-first"));
        addVersion(first, secret.id(), TestValues.text(), VersionStatus.CURRENT);
        String firstRule = "rule: the first SecretManager.addVersion(" + secret.path() + ", CURRENT) leaves a VERSION_ADD"
                + " event for version 1 and an ALIAS_MOVE of current from none to 1, nothing else (request "
                + first.requestId() + ")";
        assertEquals(1, auditEventOf(first.requestId(), AuditEventType.VERSION_ADD, () -> firstRule).version(),
                () -> firstRule + "; VERSION_ADD field version");
        AuditEvent firstMove = auditEventOf(first.requestId(), AuditEventType.ALIAS_MOVE, () -> firstRule);
        assertEquals("alias=current from=none to=1", firstMove.detail(), () -> firstRule + "; ALIAS_MOVE field detail");
        assertEquals(2, auditEventsOf(first.requestId()).size(), () -> firstRule + "; found " + auditEventsOf(first.requestId()));

        AccessContext second = admin().withRequestId(requestId("add-second"));
        addVersion(second, secret.id(), TestValues.text(), VersionStatus.CURRENT);
        String secondRule = "rule: the second SecretManager.addVersion(" + secret.path() + ", CURRENT) leaves an"
                + " ALIAS_MOVE of current from 1 to 2, version 2 (request " + second.requestId() + ")";
        assertEquals("alias=current from=1 to=2",
                auditEventOf(second.requestId(), AuditEventType.ALIAS_MOVE, () -> secondRule).detail(),
                () -> secondRule + "; field detail");
        assertEquals(2, auditEventOf(second.requestId(), AuditEventType.ALIAS_MOVE, () -> secondRule).version(),
                () -> secondRule + "; field version");

        AccessContext pending = admin().withRequestId(requestId("add-pending"));
        addVersion(pending, secret.id(), TestValues.text(), VersionStatus.PENDING);
        String pendingRule = "rule: SecretManager.addVersion(" + secret.path() + ", PENDING) leaves one VERSION_ADD"
                + " event for version 3 and moves no alias (request " + pending.requestId() + ")";
        AuditEvent added = onlyAuditEventOf(pending.requestId(), () -> pendingRule);
        assertEquals(AuditEventType.VERSION_ADD, added.eventType(), () -> pendingRule + "; field eventType");
        assertEquals(3, added.version(), () -> pendingRule + "; field version");

        AccessContext disable = admin().withRequestId(requestId("disable"));
        manager().disable(disable, secret.id(), 3);
        String disableRule = "rule: SecretManager.disable(" + secret.path() + ", version 3) leaves one VERSION_DISABLE"
                + " event for version 3 (request " + disable.requestId() + ")";
        AuditEvent disabled = onlyAuditEventOf(disable.requestId(), () -> disableRule);
        assertEquals(AuditEventType.VERSION_DISABLE, disabled.eventType(), () -> disableRule + "; field eventType");
        assertEquals(3, disabled.version(), () -> disableRule + "; field version");
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
            int attempt = i;
            Supplier<String> rule = () -> "rule: every SecretManager.read leaves exactly one SECRET_READ event (read "
                    + attempt + " of " + secret.path() + " by " + reader.id() + ", request " + ctx.requestId() + ")";
            assertEquals(AuditEventType.SECRET_READ, onlyAuditEventOf(ctx.requestId(), rule).eventType(), rule);
        }
        assertEquals(3, auditEvents(auditQuery().withPrincipal(reader.id()).withEventType(AuditEventType.SECRET_READ)).size(),
                () -> "rule: three SecretManager.read calls by " + reader.id() + " leave three SECRET_READ events"
                        + " (SecretManager.queryAudit by principal and type)");
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
        assertEquals(1, events.size(), () -> "rule: an allowed SecretManager." + method + " leaves exactly one audit event"
                + " (type " + type + ", decision ALLOW) under its request id " + ctx.requestId() + "; found " + events);
        AuditEvent event = events.get(0);
        assertEquals(type, event.eventType(), () -> "rule: the audit event of an allowed SecretManager." + method
                + " has type " + type + "; found " + event);
        assertEquals(Decision.ALLOW, event.decision(), () -> "rule: the audit event of an allowed SecretManager." + method
                + " has decision ALLOW; found " + event);
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
                () -> manager().read(as(user("stranger")), secret.path(), VersionSelector.current()),
                () -> "rule: SecretManager.read by a principal no policy allows fails with ACCESS_DENIED (user:tck-stranger"
                        + " on " + secret.path() + ")");
        Expect.thrown(NotFoundException.class, ErrorCode.VERSION_NOT_FOUND,
                () -> manager().read(admin(), secret.path(), VersionSelector.number(9)),
                () -> "rule: SecretManager.read of a version never added fails with VERSION_NOT_FOUND (" + secret.path()
                        + ", version 9)");
        manager().disable(admin(), secret.id(), 1);
        manager().destroy(admin(), secret.id(), 1);

        List<AuditEvent> events = auditEvents(auditQuery());
        assertTrue(events.size() >= 10, () -> "rule: every attempt is audited (creates, adds, reads, promote, a denied and"
                + " a failed read, disable, destroy of " + secret.path() + "); SecretManager.queryAudit found only "
                + events.size() + " events, expected at least 10");
        for (AuditEvent event : events) {
            for (RecordComponent component : AuditEvent.class.getRecordComponents()) {
                Object field = component.getAccessor().invoke(event);
                // the message names the field, never the value found in it
                assertNull(field == null ? null : NoValueLeaks.firstIssuedValueIn(field.toString()),
                        () -> "rule: an audit event never holds a secret value; field " + component.getName()
                                + " of event " + event.seq() + " (" + event.eventType() + ") holds one");
            }
        }
    }

    @Test
    void auditChainVerifiesIntact() {
        Secret secret = createSecret("prod/audit/chain");
        addCurrent(secret.id(), TestValues.text());
        readText(admin(), secret.path(), VersionSelector.current());
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(as(user("stranger")), secret.path(), VersionSelector.current()),
                () -> "rule: SecretManager.read by a principal no policy allows fails with ACCESS_DENIED (user:tck-stranger"
                        + " on " + secret.path() + ")");
        long events = auditEvents(auditQuery()).size();

        AuditVerification verification = manager().verifyAudit(admin());
        assertTrue(verification.intact(), () -> "rule: SecretManager.verifyAudit of an untampered trail reports it intact;"
                + " problem: " + verification.problem() + ", first broken seq " + verification.firstBrokenSeq());
        assertTrue(verification.eventsChecked() >= events, () -> "rule: SecretManager.verifyAudit checks every event written;"
                + " checked " + verification.eventsChecked() + ", SecretManager.queryAudit returns " + events);
        assertEquals(0, verification.firstBrokenSeq(),
                () -> "rule: SecretManager.verifyAudit of an intact trail reports firstBrokenSeq 0");
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
                () -> manager().read(as(reader), b.path(), VersionSelector.current()),
                () -> "rule: SecretManager.read outside the principal's allow fails with ACCESS_DENIED (" + reader.id()
                        + " on " + b.path() + "; allowed only prod/audit/a)");

        List<AuditEvent> byReader = auditEvents(auditQuery().withPrincipal(reader.id()));
        assertEquals(List.of(AuditEventType.SECRET_READ, AuditEventType.ACCESS_DENIED),
                byReader.stream().map(AuditEvent::eventType).toList(),
                () -> "rule: SecretManager.queryAudit filtered by principal " + reader.id() + " returns exactly that"
                        + " principal's events, oldest first (its read of prod/audit/a, then its denied read of prod/audit/b)");
        assertTrue(byReader.get(0).seq() < byReader.get(1).seq(), () -> "rule: SecretManager.queryAudit returns events"
                + " in ascending seq; got " + byReader.get(0).seq() + " before " + byReader.get(1).seq());
        assertEquals(1, auditEvents(auditQuery().withPrincipal(reader.id()).withDecision(Decision.DENY)).size(),
                () -> "rule: SecretManager.queryAudit filtered by principal " + reader.id() + " and decision DENY returns"
                        + " only its one denied read");
        assertTrue(auditEvents(auditQuery().withSecret("prod", "audit/b")).stream().allMatch(e -> "audit/b".equals(e.path())),
                () -> "rule: SecretManager.queryAudit filtered by secret prod/audit/b returns only events on that path;"
                        + " found paths " + auditEvents(auditQuery().withSecret("prod", "audit/b")).stream()
                                .map(AuditEvent::path).toList());
        assertEquals(2, auditEvents(auditQuery().withSecret("prod", "audit/a")).stream()
                .filter(e -> e.eventType() == AuditEventType.SECRET_READ || e.eventType() == AuditEventType.VERSION_ADD).count(),
                () -> "rule: SecretManager.queryAudit filtered by secret prod/audit/a returns its VERSION_ADD and the"
                        + " reader's SECRET_READ (2 of those types)");
    }

    @Test
    void auditOfAnotherTenantIsDenied() {
        String other = tenant().equals("tck-elsewhere") ? "tck-elsewhere-2" : "tck-elsewhere";
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().queryAudit(admin(), AuditQuery.tenant(other), PageRequest.first()),
                () -> "rule: SecretManager.queryAudit of another tenant's trail fails with ACCESS_DENIED, even for the"
                        + " tenant's admin (" + admin().principal().id() + " of " + tenant() + " asking for " + other + ")");
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
                    () -> manager().read(as(carol), a.path(), VersionSelector.current()),
                    () -> "rule: SecretManager.read by a principal no policy allows fails with ACCESS_DENIED ("
                            + carol.id() + " on " + a.path() + ")");
        }
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(as(alice), b.path(), VersionSelector.current()),
                () -> "rule: SecretManager.read outside the principal's allow fails with ACCESS_DENIED (" + alice.id()
                        + " on " + b.path() + "; allowed only prod/summary/a)");
        manager().grantBreakGlass(as(dave), new BreakGlassRequest(List.of("prod/summary/b"), "db outage", "https://tickets.example/INC-5", 30));
        readText(as(dave), b.path(), VersionSelector.current());

        AuditSummary summary = manager().summarizeAudit(admin(), since);
        String call = "SecretManager.summarizeAudit(since " + since + ")";

        assertEquals(2L, summary.readsByPrincipal().get(alice.id()),
                () -> "rule: readsByPrincipal counts allowed reads; " + alice.id() + " read twice: " + call);
        assertEquals(2L, summary.readsByPrincipal().get(bob.id()),
                () -> "rule: readsByPrincipal counts allowed reads; " + bob.id() + " read twice: " + call);
        assertEquals(1L, summary.readsByPrincipal().get(dave.id()),
                () -> "rule: readsByPrincipal counts break-glass reads too; " + dave.id() + " read once under a grant: "
                        + call);
        assertEquals(null, summary.readsByPrincipal().get(carol.id()),
                () -> "rule: readsByPrincipal has no entry for a principal whose reads were all denied (" + carol.id()
                        + "): " + call);
        assertEquals(3L, summary.readsBySecret().get("prod/summary/a"),
                () -> "rule: readsBySecret counts allowed reads per secret; prod/summary/a was read 3 times: " + call);
        assertEquals(2L, summary.readsBySecret().get("prod/summary/b"),
                () -> "rule: readsBySecret counts allowed and break-glass reads; prod/summary/b was read twice: " + call);
        assertEquals(2L, summary.deniedReads().get(carol.id()),
                () -> "rule: deniedReads counts denied reads per principal; " + carol.id() + " was denied twice: " + call);
        assertEquals(1L, summary.deniedReads().get(alice.id()),
                () -> "rule: deniedReads counts denied reads per principal; " + alice.id() + " was denied once: " + call);
        assertEquals(3L, summary.deniedReadCount(), () -> "rule: deniedReadCount is the total of denied reads (3): " + call);
        assertEquals(1, summary.breakGlassReads().size(),
                () -> "rule: breakGlassReads lists each BREAK_GLASS_READ event (1, by " + dave.id() + "): " + call);
        AuditEvent breakGlass = summary.breakGlassReads().get(0);
        assertEquals(dave.id(), breakGlass.principal(), () -> "rule: a break-glass read in the summary names its reader: " + call);
        assertEquals("db outage", breakGlass.reason(),
                () -> "rule: a break-glass read in the summary carries the grant's reason: " + call);
        assertEquals("https://tickets.example/INC-5", breakGlass.ticket(),
                () -> "rule: a break-glass read in the summary carries the grant's ticket: " + call);
        assertEquals(2L, summary.rotationsByOwnerTeam().get("team-a"),
                () -> "rule: rotationsByOwnerTeam counts moves of current per owner team; team-a's prod/summary/a had 2: "
                        + call);
        assertEquals(1L, summary.rotationsByOwnerTeam().get("team-b"),
                () -> "rule: rotationsByOwnerTeam counts moves of current only (not of canary); team-b's prod/summary/b"
                        + " had 1: " + call);
        assertTrue(summary.pastRotationPeriod().isEmpty(),
                () -> "rule: pastRotationPeriod is empty when no secret has a rotation period; found "
                        + summary.pastRotationPeriod() + ": " + call);
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
        String call = "SecretManager.summarizeAudit(since " + start + ") at " + clock.instant();

        assertEquals(clock.instant(), summary.until(), () -> "rule: the summary's until is the time it was made: " + call);
        assertEquals(Set.of("prod/rotation/daily", "prod/rotation/empty"),
                summary.pastRotationPeriod().stream().map(AuditSummary.OverdueRotation::path).collect(Collectors.toSet()),
                () -> "rule: pastRotationPeriod lists the secrets whose last rotation (or creation) plus their period is"
                        + " past, and not one pending deletion (leaving), within its period (quarterly) or without a period"
                        + " (untracked): " + call);
        AuditSummary.OverdueRotation daily = summary.pastRotationPeriod().stream()
                .filter(o -> o.secretId().equals(rotatedDaily.id())).findFirst().orElseThrow();
        assertEquals(start.plus(Duration.ofHours(6)).plus(Duration.ofDays(1)), daily.dueAt(),
                () -> "rule: an overdue rotation is due one period after the last rotation (prod/rotation/daily, rotated"
                        + " at " + start.plus(Duration.ofHours(6)) + ", period 1 day): " + call);
        assertEquals("team-a", daily.ownerTeam(), () -> "rule: an overdue rotation names the secret's owner team"
                + " (prod/rotation/daily): " + call);
        AuditSummary.OverdueRotation empty = summary.pastRotationPeriod().stream()
                .filter(o -> o.secretId().equals(neverRotated.id())).findFirst().orElseThrow();
        assertEquals(start.plus(Duration.ofDays(1)), empty.dueAt(),
                () -> "rule: a secret never rotated is due one period after its creation (prod/rotation/empty, created at "
                        + start + ", period 1 day): " + call);
    }
}
