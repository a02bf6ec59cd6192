package dev.coffer.jdbi.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        }, Duration.ofSeconds(60), Duration.ZERO, "test-group-commit")) {
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

    @Test
    void underConcurrencyABatchWaitsUntilAsManyAsLastTimeHaveArrived() throws Exception {
        // A gathering wait of an hour: only arrivals can end it here, so the test involves no clock.
        HeldBatches batches = new HeldBatches();
        try (GroupCommitter committer = new GroupCommitter(batches, Duration.ofHours(2), Duration.ofHours(1), "test-group-commit")) {
            List<AuditEvent> returned = new CopyOnWriteArrayList<>();
            List<Thread> callers = new ArrayList<>();
            callers.add(start(() -> returned.add(committer.append(draft(0)))));
            await(batches.firstEntered);
            for (int i = 1; i <= 4; i++) {
                AuditEvent d = draft(i);
                callers.add(start(() -> returned.add(committer.append(d))));
            }
            until(() -> committer.queued() == 4);
            batches.release.countDown(); // the 4 queued meanwhile are the next batch: concurrency seen
            until(() -> returned.size() == 5);
            assertEquals(List.of(1, 4), batches.sizes);
            assertEquals(0, committer.gathers(), "a batch as large as the previous one does not wait");

            for (int i = 5; i <= 7; i++) {
                AuditEvent d = draft(i);
                callers.add(start(() -> returned.add(committer.append(d))));
            }
            until(() -> committer.gathers() == 1 && committer.queued() == 0);
            assertEquals(5, returned.size(), "three of four: the batch is still gathering");
            assertEquals(List.of(1, 4), batches.sizes);
            AuditEvent fourth = draft(8);
            callers.add(start(() -> returned.add(committer.append(fourth))));
            for (Thread caller : callers) {
                caller.join();
            }
            assertEquals(List.of(1, 4, 4), batches.sizes, "the fourth arrival ended the wait");
            assertEquals(9, returned.size());
        }
    }

    @Test
    void aLoneCallerNeverWaitsToGather() {
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        try (GroupCommitter committer = new GroupCommitter(drafts -> {
            batchSizes.add(drafts.size());
            return drafts;
        }, Duration.ofHours(2), Duration.ofHours(1), "test-group-commit")) {
            for (int i = 0; i < 20; i++) {
                AuditEvent d = draft(i);
                assertSame(d, committer.append(d)); // a wait of an hour here would hang the test
            }
            assertEquals(0, committer.gathers());
            assertEquals(20, committer.commits());
            assertTrue(batchSizes.stream().allMatch(size -> size == 1), batchSizes::toString);
        }
    }

    @Test
    void aGatheringWaitEndsAtItsBoundWithWhatArrived() throws Exception {
        HeldBatches batches = new HeldBatches();
        try (GroupCommitter committer = new GroupCommitter(batches, Duration.ofHours(2), Duration.ofMillis(20), "test-group-commit")) {
            List<Thread> callers = new ArrayList<>();
            callers.add(start(() -> committer.append(draft(0))));
            await(batches.firstEntered);
            for (int i = 1; i <= 3; i++) {
                AuditEvent d = draft(i);
                callers.add(start(() -> committer.append(d)));
            }
            until(() -> committer.queued() == 3);
            batches.release.countDown();
            for (Thread caller : callers) {
                caller.join();
            }
            AuditEvent lone = draft(4);
            assertSame(lone, committer.append(lone), "committed after the bounded wait, alone");
            assertEquals(List.of(1, 3, 1), batches.sizes);
            assertEquals(1, committer.gathers());
        }
    }

    @Test
    void aNegativeGatheringWaitIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new GroupCommitter(drafts -> drafts, Duration.ofSeconds(1), Duration.ofNanos(-1), "test-group-commit"));
    }

    /** A batch writer that records each batch's size and holds the first batch until released. */
    private static final class HeldBatches implements java.util.function.Function<List<AuditEvent>, List<AuditEvent>> {
        final CountDownLatch firstEntered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<Integer> sizes = new CopyOnWriteArrayList<>();

        @Override
        public List<AuditEvent> apply(List<AuditEvent> drafts) {
            sizes.add(drafts.size());
            firstEntered.countDown();
            await(release);
            return drafts;
        }
    }

    private static void until(java.util.function.BooleanSupplier condition) {
        while (!condition.getAsBoolean()) {
            Thread.onSpinWait(); // no clock involved: the states awaited here always come
            Thread.yield();
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
