package dev.coffer.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.jdbi.testing.TestDatabase;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audit tail the change stream reads ({@code after}, {@code head}, {@code awaitAppend}) on
 * one database; {@link H2AuditTailTest} and {@link PostgresAuditTailTest} run it. Waits are
 * generous deadlines, never timed assertions: a wake is proven by {@code awaitAppend} returning
 * {@code true} (woken) long before its timeout could have made it return {@code false}.
 */
abstract class AuditTailTests {
    /** So long that returning true cannot be the timeout; the test fails at its own deadline first. */
    static final Duration LONG_WAIT = Duration.ofSeconds(60);
    static final long DEADLINE_SECONDS = 20;

    CofferDatabase db;
    ExecutorService waiters;

    abstract TestDatabase database();

    @BeforeEach
    void freshDatabase() {
        db = database().reset();
        waiters = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stopWaiters() {
        waiters.shutdownNow();
    }

    static AuditEvent read() {
        return StorageBehaviourTests.draft(AuditEventType.SECRET_READ).build();
    }

    @Test
    void headOfAnEmptyLogIsZeroAndAfterReturnsNothing() {
        assertEquals(0, db.auditLog().head());
        assertEquals(List.of(), db.auditLog().after(0, AuditLog.MAX_AFTER));
    }

    @Test
    void afterReturnsEveryTenantsEventsPastTheSeqInOrderUpToTheLimit() {
        for (int i = 0; i < 5; i++) {
            db.auditLog().append(read());
            db.auditLog().append(AuditEvent.builder(AuditEventType.SECRET_READ, "other-tenant", "user:bob", "req-2",
                    dev.coffer.spi.audit.Decision.ALLOW, StorageBehaviourTests.T0).build());
        }
        assertEquals(10, db.auditLog().head());
        assertEquals(LongStream.rangeClosed(4, 10).boxed().toList(), seqs(db.auditLog().after(3, AuditLog.MAX_AFTER)));
        assertEquals(List.of(4L, 5L), seqs(db.auditLog().after(3, 2)));
        assertEquals(List.of(), db.auditLog().after(10, 5));
        assertEquals(List.of(), db.auditLog().after(99, 5), "a seq ahead of the log finds nothing");
        assertEquals(db.auditLog().after(0, 10), database().auditEvents(), "the events as stored, chained");
        assertTrue(db.auditLog().after(0, 10).stream().anyMatch(e -> e.tenant().equals("other-tenant")));
    }

    @Test
    void headCountsTheEventsAStoreChangeCommitted() {
        createSecret(List.of(StorageBehaviourTests.draft(AuditEventType.SECRET_CREATE).build(),
                StorageBehaviourTests.draft(AuditEventType.VERSION_ADD).build()));
        assertEquals(2, db.auditLog().head());
        assertEquals(List.of(1L, 2L), seqs(db.auditLog().after(0, 10)));
    }

    @Test
    void afterAndAwaitRefuseArgumentsOutOfRange() {
        AuditLog log = db.auditLog();
        assertThrows(IllegalArgumentException.class, () -> log.after(-1, 10));
        assertThrows(IllegalArgumentException.class, () -> log.after(0, 0));
        assertThrows(IllegalArgumentException.class, () -> log.after(0, AuditLog.MAX_AFTER + 1));
        assertThrows(IllegalArgumentException.class, () -> log.awaitAppend(-1, Duration.ZERO));
        assertThrows(NullPointerException.class, () -> log.awaitAppend(0, null));
    }

    @Test
    void awaitReturnsAtOnceWhenTheHeadIsPastTheSeqAndTimesOutWithoutAnAppend() throws Exception {
        db.auditLog().append(read());
        assertTrue(db.auditLog().awaitAppend(0, LONG_WAIT), "event 1 is committed already");
        assertFalse(db.auditLog().awaitAppend(1, Duration.ofMillis(200)), "nothing after event 1: the wait times out");
        assertFalse(db.auditLog().awaitAppend(1, Duration.ZERO));
    }

    @Test
    void anAppendOfThisProcessWakesAWaiter() throws Exception {
        Future<Boolean> woken = awaitOn(db, 0);
        db.auditLog().append(read());
        assertTrue(woken.get(DEADLINE_SECONDS, TimeUnit.SECONDS), "woken by the append");
        assertEquals(1, db.auditLog().after(0, 10).size(), "and the woken reader finds it");
    }

    @Test
    void aStoreChangeWakesAWaiterAfterItCommitted() throws Exception {
        Future<Boolean> woken = awaitOn(db, 0);
        createSecret(List.of(StorageBehaviourTests.draft(AuditEventType.SECRET_CREATE).build()));
        assertTrue(woken.get(DEADLINE_SECONDS, TimeUnit.SECONDS), "woken by the change's events");
        assertEquals(1, db.auditLog().after(0, 10).size());
    }

    @Test
    void anAppendBeforeTheWaitersSeqDoesNotWakeIt() throws Exception {
        db.auditLog().append(read());
        db.auditLog().append(read());
        // Waits for an event after 5 (a reader whose cursor is ahead of the log): events 3..5 do not count.
        Future<Boolean> waiting = awaitOn(db, 5, Duration.ofSeconds(2));
        db.auditLog().append(read());
        assertFalse(waiting.get(DEADLINE_SECONDS, TimeUnit.SECONDS), "event 3 is not after 5");
    }

    /** Starts {@code awaitAppend(afterSeq)} on {@code on}'s log and returns once it is blocked past its head check. */
    Future<Boolean> awaitOn(CofferDatabase on, long afterSeq) {
        return awaitOn(on, afterSeq, LONG_WAIT);
    }

    Future<Boolean> awaitOn(CofferDatabase on, long afterSeq, Duration timeout) {
        int before = on.auditLog().waiting();
        Future<Boolean> woken = waiters.submit(() -> on.auditLog().awaitAppend(afterSeq, timeout));
        until(() -> on.auditLog().waiting() > before || woken.isDone(), "the waiter blocks");
        return woken;
    }

    static void until(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + DEADLINE_SECONDS + " s: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what);
            }
        }
    }

    void createSecret(List<AuditEvent> events) {
        Secret secret = new Secret("sec_tail" + System.nanoTime(), SecretPath.parse(StorageBehaviourTests.TENANT,
                "prod/tail/key" + System.nanoTime()), "payments", "", null, null, Map.of(), StorageBehaviourTests.T0,
                StorageBehaviourTests.T0, null, null);
        db.secretStore().createSecret(secret, created -> events);
    }

    static List<Long> seqs(List<AuditEvent> events) {
        return events.stream().map(AuditEvent::seq).toList();
    }
}
