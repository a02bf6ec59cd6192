package dev.coffer.server.jobs;

import dev.coffer.server.metrics.RotationMetrics;
import dev.coffer.spi.error.SecretsException;
import dev.coffer.spi.rotation.RotationEngine;
import dev.coffer.spi.store.RotationClaim;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Drives the rotation engine: at start and then every {@link #PERIOD} (or {@code --rotation-interval}),
 * claims the secrets whose rotation work is due ({@link RotationEngine#claimDue}) and drives each claim on a pool of
 * {@code workers} threads (default {@value #DEFAULT_WORKERS}, {@code --rotation-workers}).
 *
 * <p>It never claims more than it has free workers: a claim is a lease, and one waiting in a queue
 * would be running out while another instance could have done the work. When a tick found as many
 * claims as it asked for there is probably more due, so each finished drive claims again at once
 * instead of waiting for the next period; 1,000 secrets falling due together are worked through
 * {@code workers} at a time, each holding at most one database connection of the pool.
 *
 * <p>Nothing kills the loop: a failing claim (the database is down) is logged once per outage and
 * retried next period; a drive that throws (the engine records rotator failures itself and should
 * not) is logged by exception type, never by message, and its claim expires and is resumed.
 * {@link #close} stops claiming, lets running drives finish for up to {@link #CLOSE_WAIT}, then
 * interrupts them; an unfinished run resumes from its last recorded step on the next claim.
 *
 * <p>Every {@link #OVERDUE_PERIOD} it also counts the overdue secrets into
 * {@code coffer_rotation_overdue_secrets}.
 *
 * <pre>{@code
 * try (RotationScheduler scheduler = RotationScheduler.start(kernel.rotationEngine(), 4, metrics, overdue)) {
 *     ... serve ...
 * }
 * }</pre>
 */
public final class RotationScheduler implements AutoCloseable {
    /** How often due work is claimed. */
    public static final Duration PERIOD = Duration.ofSeconds(5);
    /** How often the overdue secrets are counted. */
    public static final Duration OVERDUE_PERIOD = Duration.ofMinutes(1);
    /** Workers unless {@code --rotation-workers} says otherwise. */
    public static final int DEFAULT_WORKERS = 4;
    /** The most workers allowed: each may hold a database connection while it drives a rotation. */
    public static final int MAX_WORKERS = 64;
    /** How long {@link #close} waits for running drives. */
    public static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private static final Logger LOG = Logger.getLogger(RotationScheduler.class.getName());

    private final RotationEngine engine;
    private final Duration period;
    private final int workers;
    private final Semaphore free;
    private final RotationMetrics metrics;
    private final LongSupplier overdueCount;
    private final ScheduledExecutorService timer;
    private final ExecutorService pool;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean backlog = new AtomicBoolean();
    private final AtomicInteger driven = new AtomicInteger();
    // Touched on the timer thread only: one warning per outage of claiming.
    private boolean claimFailing;
    private boolean countFailing;

    private RotationScheduler(RotationEngine engine, int workers, RotationMetrics metrics, LongSupplier overdueCount,
            Duration period) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.period = positive(period);
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new IllegalArgumentException("--rotation-workers must be between 1 and " + MAX_WORKERS + ", got " + workers);
        }
        this.workers = workers;
        this.free = new Semaphore(workers);
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.overdueCount = Objects.requireNonNull(overdueCount, "overdueCount");
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("coffer-rotation-scheduler", new AtomicInteger()));
        this.pool = Executors.newFixedThreadPool(workers, daemon("coffer-rotation-worker-", new AtomicInteger(1)));
    }

    /**
     * Starts claiming now and every {@link #PERIOD}, and counting overdue secrets now and every
     * {@link #OVERDUE_PERIOD}.
     *
     * @param engine the kernel's rotation engine
     * @param workers how many rotations run at once (1 to {@value #MAX_WORKERS})
     * @param metrics where the overdue count goes
     * @param overdueCount counts the overdue secrets (see {@link OverdueSecrets})
     */
    public static RotationScheduler start(RotationEngine engine, int workers, RotationMetrics metrics, LongSupplier overdueCount) {
        return start(engine, workers, metrics, overdueCount, PERIOD, OVERDUE_PERIOD);
    }

    /** As {@link #start(RotationEngine, int, RotationMetrics, LongSupplier)}, with other periods (tests). */
    public static RotationScheduler start(RotationEngine engine, int workers, RotationMetrics metrics, LongSupplier overdueCount,
            Duration period, Duration overduePeriod) {
        RotationScheduler scheduler = new RotationScheduler(engine, workers, metrics, overdueCount, period);
        scheduler.timer.scheduleWithFixedDelay(scheduler::tick, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        scheduler.timer.scheduleWithFixedDelay(scheduler::countOverdue, 0, positive(overduePeriod).toMillis(), TimeUnit.MILLISECONDS);
        return scheduler;
    }

    /** How many rotations run at once. */
    public int workers() {
        return workers;
    }

    /** How many claims this scheduler has driven to the end (finished or failed) so far. */
    public int driven() {
        return driven.get();
    }

    /** Claims as much due work as there are free workers and hands it to them; never throws. */
    private void tick() {
        if (closed.get()) {
            return;
        }
        int asked = free.availablePermits();
        if (asked == 0) {
            backlog.set(true); // a finishing worker claims again
            return;
        }
        List<RotationClaim> claims;
        try {
            claims = engine.claimDue(asked);
        } catch (RuntimeException | Error e) {
            // An Error too: one that escapes a periodic task cancels it for good, and rotation would stop silently.
            if (!claimFailing) {
                claimFailing = true;
                LOG.warning("Coffer: due rotations cannot be claimed (" + describe(e) + "); retried every "
                        + (period.toMillis() % 1000 == 0 ? period.toSeconds() + " s" : period.toMillis() + " ms"));
            }
            return;
        }
        if (claimFailing) {
            claimFailing = false;
            LOG.info("Coffer: due rotations can be claimed again");
        }
        backlog.set(claims.size() >= asked);
        for (RotationClaim claim : claims) {
            if (!free.tryAcquire()) {
                // Cannot happen (only this thread acquires, and it asked for what was free); the claim
                // expires and is claimed again, so dropping it loses no work.
                continue;
            }
            try {
                pool.execute(() -> drive(claim));
            } catch (RejectedExecutionException shuttingDown) {
                free.release();
            }
        }
    }

    private void drive(RotationClaim claim) {
        try {
            engine.drive(claim);
        } catch (RuntimeException | Error e) {
            // The engine records rotator failures on the run; this is a bug or an outage mid-drive.
            LOG.log(Level.WARNING, "Coffer: a rotation drive ended with " + describe(e) + "; its claim expires and is resumed");
        } finally {
            driven.incrementAndGet();
            free.release();
            if (backlog.get() && !closed.get()) {
                try {
                    timer.execute(this::tick);
                } catch (RejectedExecutionException shuttingDown) {
                    // closing: nothing more to claim
                }
            }
        }
    }

    private void countOverdue() {
        if (closed.get()) {
            return;
        }
        try {
            metrics.overdue(overdueCount.getAsLong());
            countFailing = false;
        } catch (RuntimeException | Error e) {
            metrics.overdue(-1);
            if (!countFailing) {
                countFailing = true;
                LOG.warning("Coffer: overdue rotations cannot be counted (" + describe(e) + "); coffer_rotation_overdue_secrets is -1");
            }
        }
    }

    private static String describe(Throwable e) {
        return e instanceof SecretsException s ? s.code().name() : e.getClass().getName();
    }

    private static Duration positive(Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("a scheduler period must be positive, not " + d);
        }
        return d;
    }

    private static ThreadFactory daemon(String name, AtomicInteger counter) {
        return runnable -> {
            int n = counter.getAndIncrement();
            Thread thread = new Thread(runnable, n == 0 ? name : name + n);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Stops claiming, waits up to {@link #CLOSE_WAIT} for running drives, then interrupts them. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        timer.shutdown();
        pool.shutdown();
        try {
            long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
            if (!timer.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                timer.shutdownNow();
            }
            long left = Math.max(0, deadline - System.nanoTime());
            if (!pool.awaitTermination(left, TimeUnit.NANOSECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            timer.shutdownNow();
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
