package dev.coffer.tck.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.error.AccessDeniedException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretDetails;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.model.VersionStatus;
import dev.coffer.tck.ManagerFixture;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fail closed: when the audit log cannot be written no value is returned and no denial turns
 * into an allow; a change is never without its audit events, nor an event without its change.
 * A change made while the log is down either is refused ({@code AUDIT_UNAVAILABLE}) and leaves
 * nothing, or commits with its events (kept in the store's {@code AuditOutbox}), which reach the
 * log exactly once when it is back ({@link ManagerFixture.AuditOutage#relayPending()}). Skipped
 * when the fixture cannot inject audit failures. Part of {@link dev.coffer.tck.SecretManagerContract}.
 */
public abstract class FailClosedContract extends ManagerContractBase {
    private ManagerFixture.AuditOutage outage;
    private Secret secret;
    private String value;
    private String pending;

    @BeforeEach
    void aSecretAndAnOutageSwitch() {
        outage = auditOutage();
        secret = createSecret("prod/fail-closed/db");
        value = TestValues.text();
        addCurrent(secret.id(), value);
        pending = TestValues.text();
        addPending(secret.id(), pending);
    }

    @AfterEach
    void auditBackUp() {
        if (outage != null) {
            outage.failAppends(false);
        }
    }

    @Test
    void readWithAuditDownReturnsNoValue() {
        outage.failAppends(true);
        Expect.thrown(UnavailableException.class, ErrorCode.AUDIT_UNAVAILABLE,
                () -> manager().read(admin(), secret.path(), VersionSelector.current()));
        outage.failAppends(false);
        assertSameValue(value, readCurrent(secret.path()), () -> "rule: a SecretManager.read refused while the audit log was"
                + " down changes nothing: once it is back, current of " + secret.path().qualifiedName() + " reads as before");
    }

    @Test
    void anAuditLogWhoseStorageIsDownStillRefusesAsAuditUnavailable() {
        outage.failAppendsAsStorageOutage(true);
        UnavailableException refused = Expect.thrown(UnavailableException.class, () -> manager().read(admin(), secret.path(),
                VersionSelector.current()));
        assertEquals(ErrorCode.AUDIT_UNAVAILABLE, refused.code(), () -> "SecretManager.read: when the audit append fails"
                + " (here with " + ErrorCode.STORE_UNAVAILABLE + ", the audit log's own storage down), the call is refused"
                + " with " + ErrorCode.AUDIT_UNAVAILABLE + "; got " + refused.code());
        outage.failAppends(false);
        assertSameValue(value, readCurrent(secret.path()), () -> "rule: a SecretManager.read refused for an audit storage outage"
                + " changes nothing: once the log is back, current of " + secret.path().qualifiedName() + " reads as before");
    }

    @Test
    void anAuditLogThatThrowsAnUncheckedExceptionStillRefusesAsAuditUnavailable() {
        outage.failAppendsUnexpectedly(true);
        UnavailableException refused = Expect.thrown(UnavailableException.class, () -> manager().read(admin(), secret.path(),
                VersionSelector.current()), () -> "rule: SecretManager.read of " + secret.path() + " while every audit append"
                + " throws an IllegalStateException (not a SecretsException) is refused with an UnavailableException");
        assertEquals(ErrorCode.AUDIT_UNAVAILABLE, refused.code(), () -> "rule: SecretManager.read of " + secret.path()
                + ": whatever the audit append throws (here an IllegalStateException), the call is refused with "
                + ErrorCode.AUDIT_UNAVAILABLE + "; got " + refused.code());
        NoValueLeaks.assertNoValueIn(refused);
        outage.failAppends(false);
        assertSameValue(value, readCurrent(secret.path()), () -> "rule: once the audit log is back, SecretManager.read of "
                + secret.path() + " returns the current value again");
    }

    @Test
    void addVersionDuringAnOutageCommitsWithItsEventsOrNotAtAll() {
        SecretDetails before = manager().describe(admin(), secret.id());
        String next = TestValues.text();
        outage.failAppends(true);
        Outcome added = during("add-current", ctx -> addVersion(ctx, secret.id(), next, VersionStatus.CURRENT));
        endOutage();

        SecretDetails after = manager().describe(admin(), secret.id());
        if (added.committed()) {
            assertEquals(before.versions().size() + 1, after.versions().size(),
                    "SecretManager.addVersion succeeded while the audit log was down: the version must exist");
            assertSameValue(next, readCurrent(secret.path()),
                    () -> "rule: SecretManager.addVersion(CURRENT) succeeded while the audit log was down: current must be the new version");
            added.hasEventsOnce(AuditEventType.VERSION_ADD, AuditEventType.ALIAS_MOVE);
        } else {
            assertEquals(before.versions(), after.versions(), "SecretManager.addVersion was refused (AUDIT_UNAVAILABLE): no version may exist");
            assertEquals(before.aliases(), after.aliases(), "SecretManager.addVersion was refused: aliases must be unchanged");
            assertSameValue(value, readCurrent(secret.path()),
                    () -> "rule: SecretManager.addVersion was refused (AUDIT_UNAVAILABLE): current must still read the old value");
            added.hasNoAllowEvent();
        }
    }

    @Test
    void createDuringAnOutageCommitsWithItsEventOrNotAtAll() {
        Outcome created = during("create", ctx -> manager().create(ctx, NewSecret.builder(path("prod/fail-closed/new"), TEAM).build()));
        endOutage();

        if (created.committed()) {
            assertEquals(path("prod/fail-closed/new"), manager().describe(admin(), path("prod/fail-closed/new")).secret().path(),
                    "SecretManager.create succeeded while the audit log was down: the secret must exist");
            created.hasEventsOnce(AuditEventType.SECRET_CREATE);
        } else {
            Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                    () -> manager().describe(admin(), path("prod/fail-closed/new")),
                    () -> "SecretManager.create was refused (AUDIT_UNAVAILABLE): prod/fail-closed/new must not exist");
            created.hasNoAllowEvent();
            createSecret("prod/fail-closed/new");
        }
    }

    @Test
    void promoteDuringAnOutageCommitsWithItsEventOrNotAtAll() {
        Outcome promoted = during("promote", ctx -> manager().promote(ctx, secret.id(), 2, OptionalInt.of(1)));
        endOutage();

        if (promoted.committed()) {
            assertAliases(secret.id(), "current", 2, "previous", 1);
            promoted.hasEventsOnce(AuditEventType.ALIAS_MOVE);
        } else {
            assertAliases(secret.id(), "current", 1);
            assertStatuses(secret.id(), 1, VersionStatus.CURRENT, 2, VersionStatus.PENDING);
            promoted.hasNoAllowEvent();
        }
    }

    @Test
    void lifecycleChangesDuringAnOutageCommitWithTheirEventsOrNotAtAll() {
        Outcome disabled = during("disable", ctx -> manager().disable(ctx, secret.id(), 2));
        endOutage();
        if (disabled.committed()) {
            assertStatuses(secret.id(), 1, VersionStatus.CURRENT, 2, VersionStatus.DISABLED);
            disabled.hasEventsOnce(AuditEventType.VERSION_DISABLE);
        } else {
            assertStatuses(secret.id(), 1, VersionStatus.CURRENT, 2, VersionStatus.PENDING);
            assertSameValue(pending, readText(admin(), secret.path(), VersionSelector.number(2)),
                    () -> "rule: SecretManager.disable was refused (AUDIT_UNAVAILABLE): version 2 must still read");
            disabled.hasNoAllowEvent();
        }

        Outcome scheduled = during("schedule-deletion", ctx -> manager().scheduleDeletion(ctx, secret.id()));
        endOutage();
        assertEquals(scheduled.committed(), manager().describe(admin(), secret.id()).secret().isPendingDeletion(),
                () -> "SecretManager.scheduleDeletion " + (scheduled.committed() ? "succeeded" : "was refused")
                        + " while the audit log was down: the secret's pending deletion must say the same");
        if (scheduled.committed()) {
            scheduled.hasEventsOnce(AuditEventType.SECRET_DELETE_SCHEDULED);
        } else {
            scheduled.hasNoAllowEvent();
        }
    }

    @Test
    void policyChangesDuringAnOutageCommitWithTheirEventsOrNotAtAll() {
        Policy policy = Policy.allow("tck-outage", List.of("user:tck-x"), List.of("secrets:read"), List.of("*"));
        Outcome put = during("put-policy", ctx -> manager().putPolicy(ctx, policy));
        endOutage();
        assertEquals(put.committed(), manager().getPolicy(admin(), "tck-outage").isPresent(),
                () -> "SecretManager.putPolicy " + (put.committed() ? "succeeded" : "was refused")
                        + " while the audit log was down: policy tck-outage must " + (put.committed() ? "" : "not ") + "exist");
        if (put.committed()) {
            put.hasEventsOnce(AuditEventType.POLICY_PUT);
        } else {
            put.hasNoAllowEvent();
        }
    }

    @Test
    void aChangeWhoseAuditReplyWasLostIsAuditedOnce() {
        Assumptions.assumeTrue(outage.canLoseReplies(), "the fixture cannot lose audit append replies");
        String next = TestValues.text();
        String request = requestId("lost-reply");
        outage.loseReplies(true);
        Throwable failure = catchFailure(() -> addVersion(AccessContext.of(adminPrincipal()).withRequestId(request), secret.id(), next, VersionStatus.CURRENT));
        outage.loseReplies(false);
        outage.relayPending();
        outage.relayPending();
        List<AuditEvent> events = auditEventsOf(request);
        boolean committed = manager().describe(admin(), secret.id()).versions().size() == 3;
        if (failure != null) {
            assertAuditUnavailable(failure, "SecretManager.addVersion");
        }
        assertTrue(failure == null || !committed || events.stream().anyMatch(e -> e.decision() == Decision.ALLOW),
                () -> "SecretManager.addVersion reported " + failure + " but its version exists: its ALLOW event must be in the log");
        if (committed) {
            for (AuditEventType type : List.of(AuditEventType.VERSION_ADD, AuditEventType.ALIAS_MOVE)) {
                long count = events.stream().filter(e -> e.eventType() == type && e.decision() == Decision.ALLOW).count();
                assertEquals(1, count, () -> "an addVersion whose audit append reply was lost, then relayed twice, must be"
                        + " audited once as " + type + "; request " + request + " has " + events);
            }
        }
    }

    /** What a call made during an outage did: committed or refused as AUDIT_UNAVAILABLE. */
    protected final class Outcome {
        private final String operation;
        private final String request;
        private final boolean committed;

        private Outcome(String operation, String request, boolean committed) {
            this.operation = operation;
            this.request = request;
            this.committed = committed;
        }

        /** Whether the call returned normally. */
        public boolean committed() {
            return committed;
        }

        /** The committed change's events are in the log, each type exactly once, allowed. */
        public void hasEventsOnce(AuditEventType... types) {
            List<AuditEvent> events = auditEventsOf(request);
            for (AuditEventType type : types) {
                long count = events.stream().filter(e -> e.eventType() == type && e.decision() == Decision.ALLOW).count();
                assertEquals(1, count, () -> "SecretManager." + operation + " succeeded while the audit log was down; once the log"
                        + " is back (and pending events relayed) its " + type + " event must be in the log exactly once;"
                        + " request " + request + " has " + events);
            }
        }

        /** A refused change left no ALLOW event. */
        public void hasNoAllowEvent() {
            List<AuditEvent> events = auditEventsOf(request);
            assertTrue(events.stream().noneMatch(e -> e.decision() == Decision.ALLOW), () -> "SecretManager." + operation
                    + " was refused as AUDIT_UNAVAILABLE: no ALLOW event of request " + request + " may reach the log; found " + events);
        }
    }

    private Outcome during(String operation, Consumer<AccessContext> call) {
        String request = requestId(operation);
        outage.failAppends(true);
        Throwable failure = catchFailure(() -> call.accept(AccessContext.of(adminPrincipal()).withRequestId(request)));
        if (failure != null) {
            assertAuditUnavailable(failure, "SecretManager." + operation);
        }
        return new Outcome(operation, request, failure == null);
    }

    private void endOutage() {
        outage.failAppends(false);
        outage.relayPending();
    }

    private Principal adminPrincipal() {
        return admin().principal();
    }

    private static Throwable catchFailure(Runnable call) {
        try {
            call.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static void assertAuditUnavailable(Throwable failure, String method) {
        assertTrue(failure instanceof UnavailableException u && u.code() == ErrorCode.AUDIT_UNAVAILABLE,
                () -> method + " while the audit log was down must either commit with its events or be refused as "
                        + ErrorCode.AUDIT_UNAVAILABLE + "; it threw " + failure);
        NoValueLeaks.assertNoValueIn(failure);
    }

    @Test
    void denialStaysAccessDeniedWhenAuditIsDown() {
        outage.failAppends(true);
        Expect.thrown(AccessDeniedException.class, ErrorCode.ACCESS_DENIED,
                () -> manager().read(as(user("stranger")), secret.path(), VersionSelector.current()));
    }
    /** The fixture's count of events waiting for a relay; skips the running test when it cannot tell. */
    private int waiting() {
        OptionalInt waiting = outage.waitingEvents();
        Assumptions.assumeTrue(waiting.isPresent(), "the fixture cannot count the audit events waiting for a relay");
        return waiting.getAsInt();
    }

    @Test
    void aChangeMadeWhileTheLogIsUpLeavesNoEventWaiting() {
        assertEquals(0, waiting(), "rule: each change relays its own audit events to the log as it returns, so with the log up"
                + " none wait for a relay (after create, addVersion CURRENT and PENDING of " + secret.path() + ")");
        addVersion(admin(), secret.id(), TestValues.text(), VersionStatus.CURRENT);
        manager().putPolicy(admin(), Policy.allow("tck-relayed", List.of("user:tck-x"), List.of("secrets:read"), List.of("*")));
        assertEquals(0, waiting(), "rule: each change relays its own audit events to the log as it returns (and acknowledges"
                + " them in the outbox), so with the log up none wait for a relay (after addVersion CURRENT of " + secret.path()
                + " and putPolicy tck-relayed)");
    }

    @Test
    void eventsOfMoreChangesThanARelayBatchAllReachTheLogInOneRelay() {
        int changes = 150; // more than one batch of StandardSecretManager's relay (100)
        List<String> committed = new java.util.ArrayList<>();
        outage.failAppends(true);
        for (int i = 0; i < changes; i++) {
            String request = requestId("outage-add-" + i);
            Throwable failure = catchFailure(() -> addVersion(admin().withRequestId(request), secret.id(), TestValues.text(),
                    VersionStatus.PENDING));
            if (failure != null) {
                assertAuditUnavailable(failure, "SecretManager.addVersion (PENDING)");
            } else {
                committed.add(request);
            }
        }
        String policyRequest = requestId("outage-put-policy");
        Throwable policyFailure = catchFailure(() -> manager().putPolicy(admin().withRequestId(policyRequest),
                Policy.allow("tck-outage-batch", List.of("user:tck-x"), List.of("secrets:read"), List.of("*"))));
        if (policyFailure != null) {
            assertAuditUnavailable(policyFailure, "SecretManager.putPolicy");
        } else {
            committed.add(policyRequest);
        }
        OptionalInt waiting = outage.waitingEvents();
        if (waiting.isPresent()) {
            assertEquals(committed.size(), waiting.getAsInt(), () -> "rule: each change committed while the audit log is down"
                    + " keeps its one event waiting for a relay; " + committed.size() + " of " + (changes + 1) + " changes"
                    + " (addVersion PENDING of " + secret.path() + ", putPolicy tck-outage-batch) committed");
        }

        outage.failAppends(false);
        outage.relayPending();

        if (waiting.isPresent()) {
            assertEquals(0, outage.waitingEvents().getAsInt(), () -> "rule: one relay moves every waiting event to the log,"
                    + " batch after batch, not only the first batch; " + committed.size() + " waited");
        }
        for (String request : committed) {
            List<AuditEvent> events = auditEventsOf(request);
            assertEquals(1, events.stream().filter(e -> e.decision() == Decision.ALLOW).count(), () -> "rule: a change committed"
                    + " while the audit log was down has its ALLOW event in the log exactly once after one relay (of "
                    + committed.size() + " such changes); request " + request + " has " + events);
        }
    }
}
