package dev.coffer.spi.kernel.internal;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.watch.ChangeSubscription;
import dev.coffer.spi.watch.SecretChange;
import dev.coffer.spi.watch.WatchRequest;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The kernel's one reader of the audit log for its change streams: a daemon thread
 * ({@value #THREAD_NAME}) that follows the log's head and keeps the newest changes in a bounded
 * window (a ring of {@code capacity} entries), shared by every subscription of the kernel.
 *
 * <p>The thread starts with the first open subscription and stops when the last one closes; the
 * window starts empty at the log's head each time. Subscriptions hold only a cursor: memory is the
 * window's, whatever the number of subscribers and however slowly they poll. A subscription whose
 * cursor fell behind the window replays from the log itself ({@link AuditLog#after}, in bounded
 * pages) or, past the replay limit, resets.
 *
 * <p>When the log cannot be read the thread backs off (from the poll interval, doubling, at most
 * {@link #MAX_BACKOFF}) and keeps trying; meanwhile {@link #failing()} is {@code true}, and a poll
 * that has nothing to return throws {@code AUDIT_UNAVAILABLE} instead of waiting.
 *
 * <pre>{@code
 * ChangeTail tail = new ChangeTail(auditLog, authorizer, 4096, Duration.ofSeconds(1), 100_000);
 * ChangeSubscription changes = tail.subscribe(ctx, WatchRequest.of("prod", null), auditLog.head());
 * }</pre>
 */
public final class ChangeTail {
    /** The tail thread's name. */
    public static final String THREAD_NAME = "coffer-change-tail";
    /** The most events the tail reads from the log at once. */
    public static final int READ_BATCH = 500;
    /** The longest pause between two reads of a log that fails. */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private static final System.Logger LOG = System.getLogger("dev.coffer.spi.kernel");

    final AuditLog log;
    final Authorizer authorizer;
    final long replayLimit;
    private final Duration pollInterval;
    private final Entry[] ring;

    // Guarded by this. The window holds every change with windowStart < seq <= tailCursor.
    private int oldest;
    private int size;
    private long windowStart;
    private long tailCursor;
    private int subscribers;
    private Thread runner;
    // Whether the runner waits in awaitAppend: only then is it interrupted to stop, never while it
    // reads (an interrupt inside a database driver's I/O can close the connection or the file).
    private boolean awaiting;
    private volatile boolean failing;

    /** A change with the tenant of its event: subscriptions see only their own tenant's. */
    record Entry(String tenant, SecretChange change) {}

    /**
     * @param capacity the most changes the window keeps, at least 1
     * @param pollInterval the longest the thread waits in {@link AuditLog#awaitAppend} between reads
     * @param replayLimit the most events a subscription behind the window replays from the log
     *        before it resets instead
     */
    public ChangeTail(AuditLog log, Authorizer authorizer, int capacity, Duration pollInterval, long replayLimit) {
        this.log = Objects.requireNonNull(log, "log");
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        if (capacity < 1) {
            throw new IllegalArgumentException("the change window holds at least 1 change");
        }
        this.ring = new Entry[capacity];
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        this.replayLimit = replayLimit;
    }

    /**
     * Opens a subscription of {@code ctx}'s tenant resuming after {@code start}; starts the tail
     * if it is the first.
     *
     * @throws dev.coffer.spi.error.UnavailableException {@code AUDIT_UNAVAILABLE} when the tail
     *         must start and the log's head cannot be read
     */
    public ChangeSubscription subscribe(AccessContext ctx, WatchRequest request, long start) {
        acquire();
        return new TailSubscription(this, ctx, request, start);
    }

    /** How many changes the window holds now (never more than its capacity). */
    public synchronized int windowSize() {
        return size;
    }

    /** How many subscriptions are open. */
    public synchronized int subscribers() {
        return subscribers;
    }

    /** Whether the tail thread runs. */
    public synchronized boolean running() {
        return runner != null;
    }

    /** Whether the latest read of the log failed. */
    public boolean failing() {
        return failing;
    }

    private synchronized void acquire() {
        if (subscribers == 0) {
            long head = log.head(); // may throw; then nothing started
            oldest = 0;
            size = 0;
            java.util.Arrays.fill(ring, null);
            windowStart = head;
            tailCursor = head;
            failing = false;
            Thread thread = new Thread(this::follow, THREAD_NAME);
            thread.setDaemon(true);
            runner = thread;
            thread.start();
        }
        subscribers++;
    }

    synchronized void release() {
        subscribers--;
        if (subscribers == 0 && runner != null) {
            if (awaiting) {
                runner.interrupt();
            }
            runner = null; // a reading runner sees this after its read and stops
        }
        notifyAll();
    }

    /** Wakes every waiting poll (one was closed: it checks). */
    synchronized void wake() {
        notifyAll();
    }

    /** What the window says about the changes after a cursor. */
    sealed interface Read permits Window, Behind, Ahead {}

    /** The window's entries after the cursor (at most a batch) and the seq they run through. */
    record Window(List<Entry> entries, long through) implements Read {}

    /** The cursor is older than the window: replay from the log. */
    record Behind() implements Read {}

    /** The cursor is past what the tail has read. */
    record Ahead() implements Read {}

    /** The changes after {@code cursor} the window holds, at most {@code limit}. */
    synchronized Read read(long cursor, int limit) {
        if (cursor < windowStart) {
            return new Behind();
        }
        if (cursor > tailCursor) {
            return new Ahead();
        }
        // The first entry after cursor, by binary search over the ring in seq order.
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (at(mid).change().seq() <= cursor) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        int end = Math.min(size, lo + limit);
        List<Entry> entries = new ArrayList<>(end - lo);
        for (int i = lo; i < end; i++) {
            entries.add(at(i));
        }
        long through = end == size ? tailCursor : entries.get(entries.size() - 1).change().seq();
        return new Window(entries, through);
    }

    /**
     * Waits until the tail has read past {@code cursor}, {@code nanos} passed, or {@code stop}
     * holds (checked whenever the tail is woken).
     */
    synchronized void awaitBeyond(long cursor, long nanos, java.util.function.BooleanSupplier stop) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        while (tailCursor <= cursor && !stop.getAsBoolean() && !failing) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    private Entry at(int logical) {
        return ring[(oldest + logical) % ring.length];
    }

    // Appends what one read brought, unless this thread was replaced meanwhile.
    private synchronized boolean take(Thread self, List<AuditEvent> events) {
        if (runner != self) {
            return false;
        }
        for (AuditEvent event : events) {
            if (event.seq() <= tailCursor) {
                continue; // already read (a log must not do this, but a repeat does no harm here)
            }
            Optional<SecretChange> change = SecretChange.of(event);
            if (change.isPresent()) {
                if (size == ring.length) {
                    windowStart = ring[oldest].change().seq();
                    ring[oldest] = null;
                    oldest = (oldest + 1) % ring.length;
                    size--;
                }
                ring[(oldest + size) % ring.length] = new Entry(event.tenant(), change.get());
                size++;
            }
            tailCursor = event.seq();
        }
        notifyAll();
        return true;
    }

    private synchronized long tailCursor() {
        return tailCursor;
    }

    /** The seq the tail has read through. */
    public synchronized long position() {
        return tailCursor;
    }

    private synchronized boolean current(Thread self) {
        return runner == self;
    }

    private void follow() {
        Thread self = Thread.currentThread();
        int failures = 0;
        while (current(self)) {
            try {
                List<AuditEvent> events = log.after(tailCursor(), READ_BATCH);
                if (failures > 0) {
                    LOG.log(Level.INFO, "the change stream reads the audit log again");
                }
                failures = 0;
                setFailing(false);
                if (!events.isEmpty()) {
                    if (!take(self, events)) {
                        return;
                    }
                    continue;
                }
                if (!startAwaiting(self)) {
                    return;
                }
                try {
                    log.awaitAppend(tailCursor(), pollInterval);
                } finally {
                    stopAwaiting(self);
                }
            } catch (InterruptedException e) {
                return; // released: the last subscription closed
            } catch (RuntimeException e) {
                failures++;
                setFailing(true);
                if (failures == 1) {
                    LOG.log(Level.WARNING, "the change stream cannot read the audit log; retrying: {0}", e.getClass().getName());
                }
                if (!startAwaiting(self)) {
                    return;
                }
                try {
                    Thread.sleep(backoff(failures).toMillis());
                } catch (InterruptedException stop) {
                    return;
                } finally {
                    stopAwaiting(self);
                }
            }
        }
    }

    private synchronized boolean startAwaiting(Thread self) {
        if (runner != self) {
            return false; // released or replaced: never touch a successor's flag
        }
        awaiting = true;
        return true;
    }

    private synchronized void stopAwaiting(Thread self) {
        if (runner == self || runner == null) {
            awaiting = false; // not a successor's flag
        }
    }

    private synchronized void setFailing(boolean now) {
        if (failing != now) {
            failing = now;
            notifyAll(); // waiting polls learn of it
        }
    }

    private Duration backoff(int failures) {
        Duration d = pollInterval.multipliedBy(1L << Math.min(failures - 1, 16));
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }
}
