package dev.coffer.jdbi.internal;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Where the audit log's readers wait for appends: a waiter registers the seq it has read up to,
 * checks the committed head, then waits; {@link #signal} (a local commit, or a PostgreSQL
 * notification from another instance) wakes the waiters it concerns. Registering before the
 * head check means an append that commits between the check and the wait is not missed.
 *
 * <pre>{@code
 * AppendSignal.Waiter w = signal.register(lastSeen);
 * try {
 *     boolean woken = headNow() > lastSeen || signal.await(w, Duration.ofSeconds(15));
 * } finally {
 *     signal.unregister(w);
 * }
 * }</pre>
 */
public final class AppendSignal {
    private final Set<Waiter> waiters = new HashSet<>(); // guarded by this

    /** One reader's wait, for an event after {@link #afterSeq}. */
    public static final class Waiter {
        private final long afterSeq;
        private boolean woken; // guarded by the AppendSignal
        private boolean armed; // guarded by the AppendSignal: past its head check, blocked in await

        private Waiter(long afterSeq) {
            this.afterSeq = afterSeq;
        }

        /** The seq the reader has read up to. */
        public long afterSeq() {
            return afterSeq;
        }
    }

    /** Registers a wait for an event after {@code afterSeq}; signals from now on count for it. */
    public synchronized Waiter register(long afterSeq) {
        Waiter w = new Waiter(afterSeq);
        waiters.add(w);
        return w;
    }

    /** Ends a wait (always, in a finally). */
    public synchronized void unregister(Waiter w) {
        waiters.remove(w);
    }

    /**
     * Waits until a signal for a seq after the waiter's arrived since it registered, or
     * {@code timeout} passed.
     *
     * @return {@code true} when signalled, {@code false} on timeout
     */
    public synchronized boolean await(Waiter w, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        w.armed = true;
        try {
            while (!w.woken) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        } finally {
            w.armed = false;
        }
    }

    /** Events up to {@code seq} committed: wakes every waiter for an event before it. */
    public synchronized void signal(long seq) {
        boolean any = false;
        for (Waiter w : waiters) {
            if (seq > w.afterSeq && !w.woken) {
                w.woken = true;
                any = true;
            }
        }
        if (any) {
            notifyAll();
        }
    }

    /** Wakes every waiter (the log closes: nothing more will be signalled). */
    public synchronized void wakeAll() {
        waiters.forEach(w -> w.woken = true);
        notifyAll();
    }

    /** How many readers are blocked in {@link #await} now (for tests and metrics). */
    public synchronized int waiting() {
        return (int) waiters.stream().filter(w -> w.armed).count();
    }
}
