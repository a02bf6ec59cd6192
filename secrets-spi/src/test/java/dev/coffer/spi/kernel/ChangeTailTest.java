package dev.coffer.spi.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.audit.AuditVerification;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.memory.InMemoryAuditLog;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.memory.InMemoryPolicyStore;
import dev.coffer.spi.memory.InMemorySecretStore;
import dev.coffer.spi.memory.InMemoryTenantKeyStore;
import dev.coffer.spi.memory.JdkEnvelope;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.watch.ChangeBatch;
import dev.coffer.spi.watch.ChangeKind;
import dev.coffer.spi.watch.ChangeSubscription;
import dev.coffer.spi.watch.SecretChange;
import dev.coffer.spi.watch.WatchRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kernel's change tail: one bounded window, a thread only while subscriptions are open. */
class ChangeTailTest {
    private static final String TENANT = "acme";
    private static final int WINDOW = 8;
    private final InMemoryPolicyStore policies = new InMemoryPolicyStore();
    private final InMemoryAuditLog log = new InMemoryAuditLog();
    private final StandardSecretManager manager;
    private final AccessContext admin = AccessContext.of(Principal.of("user:admin", TENANT));

    ChangeTailTest() {
        policies.put(TENANT, Policy.allow("admin", List.of("user:admin"), List.of("secrets:*"), List.of("*")), BeforeCommit.none());
        manager = StandardSecretManager.builder()
                .secretStore(new InMemorySecretStore())
                .envelope(new JdkEnvelope(new InMemoryTenantKeyStore()))
                .auditLog(log)
                .policyStore(policies)
                .changeWindow(WINDOW)
                .changeReplayLimit(10_000)
                .build();
    }

    @Test
    void windowNeverHoldsMoreThanItsCapacityAndASlowSubscriberReplaysFromTheLog() throws Exception {
        try (ChangeSubscription idle = manager.watch(admin, WatchRequest.of("prod", null))) {
            String id = manager.create(admin, NewSecret.builder(SecretPath.parse(TENANT, "prod/app/db"), "team").build()).id();
            int versions = 5 * WINDOW;
            for (int i = 0; i < versions; i++) {
                try (SecretValue value = SecretValue.ofUtf8("v" + i)) {
                    manager.addVersion(admin, id, NewVersion.pending(value));
                }
            }
            long head = log.head();
            awaitTail(head);
            assertTrue(manager.changes.windowSize() <= WINDOW, "the window holds at most its capacity");

            List<SecretChange> seen = new ArrayList<>();
            while (idle.cursor() < head) {
                ChangeBatch batch = idle.poll(7, Duration.ZERO);
                assertFalse(batch.reset(), "a subscriber within the replay limit replays, it is not reset");
                seen.addAll(batch.changes());
            }
            assertEquals(1 + versions, seen.size(), "every change once: " + seen);
            assertEquals(ChangeKind.SECRET_CREATED, seen.get(0).kind());
            for (int i = 1; i <= versions; i++) {
                assertEquals(ChangeKind.VERSION_ADDED, seen.get(i).kind());
                assertEquals(i, seen.get(i).version());
            }
        }
    }

    @Test
    void theTailRunsOnlyWhileASubscriptionIsOpen() {
        assertFalse(manager.changes.running());
        ChangeSubscription first = manager.watch(admin, WatchRequest.of(null, null));
        ChangeSubscription second = manager.watch(admin, WatchRequest.of(null, null));
        assertTrue(manager.changes.running());
        first.close();
        first.close();
        assertTrue(manager.changes.running(), "one subscription is still open");
        second.close();
        assertFalse(manager.changes.running());
        assertEquals(0, manager.changes.subscribers());
    }

    @Test
    void aLogThatCannotBeReadFailsPollsWithAuditUnavailableUntilItCanAgain() throws Exception {
        FlakyLog flaky = new FlakyLog(new InMemoryAuditLog());
        StandardSecretManager kernel = StandardSecretManager.builder()
                .secretStore(new InMemorySecretStore())
                .envelope(new JdkEnvelope(new InMemoryTenantKeyStore()))
                .auditLog(flaky)
                .policyStore(policies)
                .changePollInterval(Duration.ofMillis(20))
                .build();
        try (ChangeSubscription changes = kernel.watch(admin, WatchRequest.of(null, null))) {
            flaky.failReads = true;
            kernel.create(admin, NewSecret.builder(SecretPath.parse(TENANT, "prod/app/flaky"), "team").build());
            UnavailableException down = assertThrows(UnavailableException.class, () -> changes.poll(10, Duration.ofSeconds(20)));
            assertEquals(ErrorCode.AUDIT_UNAVAILABLE, down.code());
            flaky.failReads = false;
            List<SecretChange> seen = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (seen.isEmpty() && System.nanoTime() < deadline) {
                try {
                    seen.addAll(changes.poll(10, Duration.ofMillis(200)).changes());
                } catch (UnavailableException stillDown) {
                    Thread.sleep(20); // the tail backs off before it reads again
                }
            }
            assertEquals(1, seen.size(), "the change made while the log could not be read arrives once it can: " + seen);
            assertEquals(ChangeKind.SECRET_CREATED, seen.get(0).kind());
        }
    }

    /** The in-memory log whose reads can be made to fail, as a database that is down. */
    private static final class FlakyLog implements AuditLog {
        private final InMemoryAuditLog delegate;
        volatile boolean failReads;

        FlakyLog(InMemoryAuditLog delegate) {
            this.delegate = delegate;
        }

        @Override
        public AuditEvent append(AuditEvent draft) {
            return delegate.append(draft);
        }

        @Override
        public Page<AuditEvent> query(AuditQuery query, PageRequest page) {
            return delegate.query(query, page);
        }

        @Override
        public List<AuditEvent> after(long afterSeq, int limit) {
            if (failReads) {
                throw new UnavailableException(ErrorCode.AUDIT_UNAVAILABLE, "audit log down (test)");
            }
            List<AuditEvent> read = delegate.after(afterSeq, limit);
            // Checked again: a read that began before the flag was set, and found an event appended
            // after it (the test sets the flag, then appends), must fail too. Seen once in CI: the
            // tail's read passed the first check, the create landed, and the read returned it.
            if (failReads) {
                throw new UnavailableException(ErrorCode.AUDIT_UNAVAILABLE, "audit log down (test)");
            }
            return read;
        }

        @Override
        public long head() {
            return delegate.head();
        }

        @Override
        public boolean awaitAppend(long afterSeq, Duration timeout) throws InterruptedException {
            return delegate.awaitAppend(afterSeq, timeout);
        }

        @Override
        public AuditVerification verify(String tenant) {
            return delegate.verify(tenant);
        }

        @Override
        public void checkpoint() {
            delegate.checkpoint();
        }
    }

    private void awaitTail(long seq) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (manager.changes.position() < seq) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the tail did not reach seq " + seq);
            }
            Thread.sleep(10);
        }
    }
}
