package dev.coffer.jdbi.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.Decision;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The batching of {@link GroupCommitter} itself, on a batch writer that records what it is
 * given (the database's side is proved by the storage tests on H2 and PostgreSQL).
 */
class GroupCommitterTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void queuedAppendsAreCommittedInBatchesOfAtMostTheBoundEachCallerGettingItsEvent() throws Exception {
        int waiting = 2 * AuditRows.MAX_BATCH + 76;
        CountDownLatch firstBatchEntered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        List<AuditEvent> committed = new CopyOnWriteArrayList<>();
        try (GroupCommitter committer = new GroupCommitter(drafts -> {
            batchSizes.add(drafts.size());
            firstBatchEntered.countDown();
            await(release);
            committed.addAll(drafts);
            return drafts; // the "stored" event of each draft is the draft itself
        }, Duration.ofSeconds(60), "test-group-commit")) {
            List<AuditEvent> returned = new CopyOnWriteArrayList<>();
            List<Thread> callers = new ArrayList<>();
            AuditEvent first = draft(-1);
            callers.add(start(() -> returned.add(committer.append(first))));
            await(firstBatchEntered); // the committer holds a batch of one; everything else queues behind it
            for (int i = 0; i < waiting; i++) {
                AuditEvent d = draft(i);
                callers.add(start(() -> returned.add(committer.append(d))));
            }
            while (committer.queued() < waiting) {
                Thread.onSpinWait(); // no clock involved: waits until every caller has queued
                Thread.yield();
            }
            release.countDown();
            for (Thread caller : callers) {
                caller.join();
            }

            assertEquals(List.of(1, AuditRows.MAX_BATCH, AuditRows.MAX_BATCH, 76), batchSizes);
            assertEquals(4, committer.commits());
            assertEquals(waiting + 1, returned.size(), "every caller returned");
            assertEquals(waiting + 1, committed.stream().distinct().count(), "each draft committed once");
            for (AuditEvent e : returned) {
                assertSame(committed.get(committed.indexOf(e)), e, "each caller got its own draft's event");
            }
        }
    }

    private static AuditEvent draft(int i) {
        return AuditEvent.builder(AuditEventType.SECRET_READ, "acme", "user:alice", "req-" + i, Decision.ALLOW, T0).secret("prod", "db/password").build();
    }

    private static Thread start(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
