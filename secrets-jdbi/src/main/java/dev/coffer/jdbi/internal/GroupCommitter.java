package dev.coffer.jdbi.internal;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Group commit for {@link dev.coffer.jdbi.JdbiAuditLog#append} (reads, denials, failures, relayed
 * events; a store change writes its events in its own transaction instead): callers queue their
 * drafts and wait; one committer thread takes everything queued, appends it in one transaction
 * and commits once, then releases every caller of the batch with the event stored under its
 * draft's id (two callers of one id get the same event). While a commit
 * (and its fsync) is in flight, the next callers queue up, so batches grow with load by
 * themselves.
 *
 * <p>A commit costs about the same for one event as for sixteen (H2 writes a chunk of whole pages,
 * PostgreSQL a WAL flush), so under concurrent load the committer also <em>gathers</em>: when the
 * previous batch held more than one event and fewer have queued now, it waits, at most
 * {@code gatherWait}, until as many as last time have arrived (like PostgreSQL's
 * {@code commit_delay}, which applies only when other transactions are active). A lone caller
 * never waits: its batches hold one event, so there is nothing to gather (docs/benchmarks.md
 * has what the wait gained).
 *
 * <p>A caller returns only once its event is durable. If the batch fails, every caller in it
 * gets {@link UnavailableException} {@code AUDIT_UNAVAILABLE}, and its operation fails.
 */
public final class GroupCommitter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.coffer.jdbi");
    // One batch is one multi-row insert (AuditRows.MAX_BATCH bounds it, and the look-up of its retry).
    private static final int MAX_BATCH = AuditRows.MAX_BATCH;

    /** How long the committer waits, at most, to gather a batch as large as the previous one. */
    public static final Duration DEFAULT_GATHER_WAIT = Duration.ofNanos(200_000);

    private final Function<List<AuditEvent>, List<AuditEvent>> appendBatch;
    private final Duration callerTimeout;
    private final long gatherWaitNanos;
    private final AtomicLong gathers = new AtomicLong();
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final AtomicLong commits = new AtomicLong();
    private final Thread committer;
    private volatile boolean closed;

    private record Pending(AuditEvent draft, CompletableFuture<AuditEvent> appended) {}

    /**
     * @param appendBatch appends a batch in one committed transaction and returns, for each draft
     *        in order, the event stored under its id
     * @param callerTimeout how long a caller waits for its batch before its operation fails
     * @param gatherWait how long the committer waits, at most, for a batch as large as the
     *        previous one ({@link Duration#ZERO}: never)
     */
    public GroupCommitter(Function<List<AuditEvent>, List<AuditEvent>> appendBatch, Duration callerTimeout, Duration gatherWait,
            String name) {
        this.appendBatch = appendBatch;
        this.callerTimeout = callerTimeout;
        if (gatherWait.isNegative()) {
            throw new IllegalArgumentException("gatherWait must not be negative");
        }
        this.gatherWaitNanos = gatherWait.toNanos();
        this.committer = new Thread(this::run, name);
        committer.setDaemon(true);
        committer.start();
    }

    /** Queues {@code draft} and waits until it is committed; returns it chained. */
    public AuditEvent append(AuditEvent draft) {
        if (closed) {
            throw unavailable("the audit log is closed", null);
        }
        Pending pending = new Pending(draft, new CompletableFuture<>());
        queue.add(pending);
        if (closed) {
            failQueued(); // close() may have drained the queue before this draft arrived
        }
        try {
            return pending.appended().get(callerTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unavailable("the audit log cannot be written; the operation was refused", e.getCause());
        } catch (TimeoutException e) {
            throw unavailable("the audit log did not confirm the event within " + callerTimeout.toSeconds() + "s", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while waiting for the audit log", null);
        }
    }

    /** Commits made so far; fewer than appends when batching took place. */
    public long commits() {
        return commits.get();
    }

    /** Batches for which the committer waited to gather more events. */
    public long gathers() {
        return gathers.get();
    }

    // Drafts waiting for the committer (tests).
    int queued() {
        return queue.size();
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        int previous = 1;
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                if (batch.size() < previous && gatherWaitNanos > 0 && !closed) {
                    gather(batch, previous);
                }
                previous = batch.size();
                commit(batch);
            } catch (InterruptedException e) {
                // Only close() interrupts; the loop drains what is queued, then ends.
            } catch (Throwable t) {
                batch.forEach(p -> p.appended().completeExceptionally(t));
            } finally {
                batch.clear();
            }
        }
    }

    // Waits, at most gatherWait, until 'batch' holds 'target' drafts (others are appending concurrently).
    // Interrupted meanwhile, it stops gathering and keeps the flag: what it holds is committed.
    private void gather(List<Pending> batch, int target) {
        gathers.incrementAndGet();
        long deadline = System.nanoTime() + gatherWaitNanos;
        try {
            while (batch.size() < target) {
                long left = deadline - System.nanoTime();
                Pending next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
                if (next == null) {
                    return;
                }
                batch.add(next);
                queue.drainTo(batch, MAX_BATCH - batch.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void commit(List<Pending> batch) {
        List<AuditEvent> drafts = new ArrayList<>(batch.size());
        batch.forEach(p -> drafts.add(p.draft()));
        List<AuditEvent> appended;
        try {
            appended = appendBatch.apply(drafts);
        } catch (RuntimeException failure) {
            LOG.log(Level.WARNING, "audit batch of {0} events failed: {1}", batch.size(), failure.getClass().getSimpleName());
            batch.forEach(p -> p.appended().completeExceptionally(failure));
            return;
        }
        commits.incrementAndGet();
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).appended().complete(appended.get(i));
        }
    }

    private void failQueued() {
        Pending p;
        while ((p = queue.poll()) != null) {
            p.appended().completeExceptionally(unavailable("the audit log is closed", null));
        }
    }

    /** Commits what is queued, stops the committer and refuses further appends. */
    @Override
    public void close() {
        closed = true;
        try {
            committer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failQueued();
    }

    private static UnavailableException unavailable(String message, Throwable cause) {
        return new UnavailableException(ErrorCode.AUDIT_UNAVAILABLE, message, cause);
    }
}
