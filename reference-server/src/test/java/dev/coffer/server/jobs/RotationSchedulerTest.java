package dev.coffer.server.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.metrics.Metrics;
import dev.coffer.server.metrics.RotationMetrics;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.rotation.RotationEngine;
import dev.coffer.spi.store.RotationClaim;
import dev.coffer.tck.support.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's loop over an engine that hands out claims from a queue of due secrets: it never
 * has more drives running (or claims out) than workers, works through a thousand due secrets
 * without waiting a period between batches, survives failing claims and throwing drives, counts the
 * overdue secrets, and stops its threads on close. The engine here is a queue, not the kernel's:
 * the kernel's engine runs under the scheduler in {@code RotationSchedulingTest}.
 */
class RotationSchedulerTest {
    private final Metrics metrics = new Metrics();
    private final List<RotationScheduler> started = new ArrayList<>();

    @AfterEach
    void close() {
        started.forEach(RotationScheduler::close);
        metrics.close();
    }

    private RotationScheduler start(RotationEngine engine, int workers, java.util.function.LongSupplier overdue) {
        RotationScheduler scheduler = RotationScheduler.start(engine, workers, metrics.rotation(), overdue,
                Duration.ofMillis(50), Duration.ofMillis(50));
        started.add(scheduler);
        return scheduler;
    }

    /** Due secrets {@code s0..s(n-1)}; each drive takes {@code work} and counts how many run at once. */
    private static final class QueueEngine implements RotationEngine {
        final AtomicInteger next = new AtomicInteger();
        final int due;
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger maxRunning = new AtomicInteger();
        final AtomicInteger outstanding = new AtomicInteger();
        final AtomicInteger maxOutstanding = new AtomicInteger();
        final Set<String> driven = ConcurrentHashMap.newKeySet();
        final AtomicInteger claimFailures = new AtomicInteger();
        volatile Runnable work = () -> { };
        volatile boolean throwInDrive;

        QueueEngine(int due) {
            this.due = due;
        }

        @Override
        public String instanceId() {
            return "test";
        }

        @Override
        public List<RotationClaim> claimDue(int limit) {
            if (claimFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new UnavailableException(ErrorCode.STORE_UNAVAILABLE, "database down");
            }
            List<RotationClaim> claims = new ArrayList<>();
            while (claims.size() < limit) {
                int n = next.getAndUpdate(i -> i < due ? i + 1 : i);
                if (n >= due) {
                    break;
                }
                claims.add(new RotationClaim("default", "s" + n, "test", "t" + n, Instant.now().plusSeconds(60), 1));
            }
            maxOutstanding.accumulateAndGet(outstanding.addAndGet(claims.size()), Math::max);
            return claims;
        }

        @Override
        public void drive(RotationClaim claim) {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                work.run();
                if (throwInDrive) {
                    throw new IllegalStateException("a bug in the engine");
                }
            } finally {
                driven.add(claim.secretId());
                running.decrementAndGet();
                outstanding.decrementAndGet();
            }
        }

        @Override
        public long countOverdue(String tenant) {
            return due - driven.size();
        }
    }

    @Test
    void aThousandDueSecretsAreAllDrivenWithNeverMoreThanTheWorkersAtOnce() {
        QueueEngine engine = new QueueEngine(1000);
        engine.work = () -> {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        RotationScheduler scheduler = start(engine, 4, () -> 0);
        Await.until("every due secret is driven", () -> engine.driven.size() == 1000);
        assertTrue(engine.maxRunning.get() <= 4, "at most 4 drives at once, saw " + engine.maxRunning);
        assertTrue(engine.maxOutstanding.get() <= 4, "never more claims out than workers, saw " + engine.maxOutstanding);
        Await.until("the scheduler's count of drives catches up", () -> scheduler.driven() == 1000);
    }

    @Test
    void failingClaimsAndThrowingDrivesDoNotStopTheLoop() {
        QueueEngine engine = new QueueEngine(6);
        engine.claimFailures.set(3);
        engine.throwInDrive = true;
        start(engine, 2, () -> 0);
        Await.until("claims succeed again after the outage and every secret is driven", () -> engine.driven.size() == 6);
    }

    @Test
    void theOverdueCountReachesTheGaugeAndAFailedCountIsMinusOne() {
        RotationMetrics rotation = metrics.rotation();
        assertEquals(-1, rotation.overdue(), "unknown before the first count");
        AtomicInteger calls = new AtomicInteger();
        start(new QueueEngine(0), 1, () -> {
            if (calls.incrementAndGet() > 3) {
                throw new UnavailableException(ErrorCode.STORE_UNAVAILABLE, "database down");
            }
            return 7;
        });
        Await.until("the count is exposed", () -> metrics.prometheusText().contains("coffer_rotation_overdue_secrets 7.0"));
        Await.until("a count that fails reads -1", () -> rotation.overdue() == -1 && calls.get() > 3);
    }

    @Test
    void closeLetsRunningDrivesFinishAndStopsEveryThread() throws InterruptedException {
        QueueEngine engine = new QueueEngine(2);
        CountDownLatch entered = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        engine.work = () -> {
            entered.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        RotationScheduler scheduler = start(engine, 2, () -> 0);
        assertTrue(entered.await(20, TimeUnit.SECONDS), "both drives started");
        Thread closer = new Thread(scheduler::close);
        closer.start();
        release.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(30));
        assertEquals(Set.of("s0", "s1"), engine.driven, "the running drives finished");
        Await.until("no scheduler thread is left", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("coffer-rotation-")));
    }

    @Test
    void workersOutsideOneToSixtyFourAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> RotationScheduler.start(new QueueEngine(0), 0, metrics.rotation(), () -> 0));
        assertThrows(IllegalArgumentException.class, () -> RotationScheduler.start(new QueueEngine(0), 65, metrics.rotation(), () -> 0));
    }
}
