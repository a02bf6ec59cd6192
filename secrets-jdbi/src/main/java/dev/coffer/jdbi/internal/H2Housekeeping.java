package dev.coffer.jdbi.internal;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;

/**
 * Keeps an embedded H2 file database proportional to what it holds while every commit is
 * written before it returns ({@code WRITE_DELAY=0}, see {@link dev.coffer.jdbi.DatabaseConfig}).
 *
 * <p>Why it is needed: H2's MVStore writes each commit as a new chunk (copy on write) and frees a
 * chunk only when none of its pages is live any more. Live pages end up spread over many chunks
 * (each commit rewrites the rightmost leaves of the audit tables and their indexes, the head
 * row, and the chunk metadata), so almost no chunk ever becomes
 * free by itself. H2 moves those live pages into fresh chunks in its background writer thread,
 * but H2 runs that thread only when {@code WRITE_DELAY} is above 0: with {@code WRITE_DELAY=0}
 * nothing ever compacts, and the file grows by every commit's chunk (in-process, 16 callers:
 * about 1.9 KB per audited read, 5.7x the data after 200,000 reads, with time-ordered event ids;
 * 7 KB and 21x with the random ids before; and the chunk metadata each commit rewrites grows with
 * it).
 *
 * <p>What this does instead, on one daemon thread, every {@link #PERIOD}:
 * <ol>
 *   <li>forces what is written to the disk ({@code MVStore.sync()}, as H2's
 *       {@code CHECKPOINT SYNC}), so no written chunk stays in the operating system's buffers for
 *       more than a period;</li>
 *   <li>with that, shortens how long H2 keeps superseded chunks before reusing their space
 *       ({@code RETENTION_TIME}, default 45 s) to {@link #RETENTION_MILLIS}: H2 documents that
 *       retention assumes the file system flushes its buffers within that time, and lower values
 *       are safe when the buffers are flushed earlier, which the sync of step 1 does eight times
 *       over; a URL that sets {@code RETENTION_TIME} itself is left alone;</li>
 *   <li>moves the live pages of chunks older than the retention time into a new chunk, choosing
 *       only chunks no fuller than those chunks' average ({@link ChunkRewriter}, the step H2's
 *       background writer takes), while that average is below {@link #TARGET_FILL_RATE} %, for at
 *       most {@link #BUDGET} per period, and commits them, so the emptied chunks are freed and
 *       their space reused. Chunks younger than the retention time are mostly dead but cannot be
 *       moved yet, so they are left out of the average: counting them kept the passes busy moving
 *       nearly full old chunks for their whole budget.</li>
 * </ol>
 * A pass that fails is logged (class name only) and the retention time goes back to H2's
 * default, since the syncs that made it safe may have stopped; the next pass tries again.
 */
public final class H2Housekeeping implements AutoCloseable {
    /** How often a pass runs. */
    public static final Duration PERIOD = Duration.ofMillis(250);
    /**
     * H2's {@code RETENTION_TIME} while the passes run: eight periods, each starting with a sync.
     * The file holds at least this long's worth of chunks (each commit writes one), so it is kept
     * short: at 300 commits/s of about 100 KB, 2 s are 60 MB.
     */
    public static final int RETENTION_MILLIS = 2_000;
    /** Compaction runs while the fill rate of the chunks it may move (their live bytes of all their bytes) is below this percentage. */
    public static final int TARGET_FILL_RATE = 80;
    /** The most time one pass spends moving pages. */
    public static final Duration BUDGET = Duration.ofMillis(100);

    private static final System.Logger LOG = System.getLogger("dev.coffer.jdbi");
    // Bytes of live pages moved per compact step; steps repeat within the budget.
    private static final int MOVE_BYTES_PER_STEP = 4 << 20;
    private static final int H2_DEFAULT_RETENTION_MILLIS = 45_000;
    private static final int MISSES_TO_STOP = 3;

    private final DataSource pool;
    private final boolean ownRetention;
    private final int retentionMillis;
    private final ScheduledExecutorService thread;
    private final AtomicLong passes = new AtomicLong();
    private final AtomicLong compactSteps = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private MVStore store; // only the pass thread (or a caller of pass()) touches it; guarded by this

    private H2Housekeeping(DataSource pool, boolean ownRetention, int retentionMillis, Duration period) {
        this.pool = pool;
        this.ownRetention = ownRetention;
        this.retentionMillis = retentionMillis;
        if (period == null) {
            this.thread = null;
            return;
        }
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "coffer-h2-housekeeping");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::pass, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Starts the passes on the database behind {@code pool}; they do nothing unless it is an
     * embedded H2 database with a file.
     *
     * @param urlSetsRetention whether the JDBC URL sets {@code RETENTION_TIME} itself (then it is kept)
     */
    public static H2Housekeeping start(DataSource pool, boolean urlSetsRetention) {
        return new H2Housekeeping(pool, !urlSetsRetention, RETENTION_MILLIS, PERIOD);
    }

    /** Passes only when {@link #pass()} is called, with its own retention time (tests). */
    static H2Housekeeping manual(DataSource pool, int retentionMillis) {
        return new H2Housekeeping(pool, true, retentionMillis, null);
    }

    /** One pass: sync, retention, compaction. Runs on the housekeeping thread; tests call it directly. */
    synchronized void pass() {
        try {
            MVStore s = store();
            if (s == null) {
                return;
            }
            passes.incrementAndGet();
            // Everything written so far reaches the disk before older chunks may be overwritten.
            s.sync();
            if (ownRetention && s.getRetentionTime() != retentionMillis) {
                s.setRetentionTime(retentionMillis);
            }
            long stop = System.nanoTime() + BUDGET.toNanos();
            int idle = 0;
            // compact() also answers false when it waited 10 ms for the store lock in vain (commits
            // hold it), so a few misses in a row, not one, end the pass early.
            int fill;
            while (idle < MISSES_TO_STOP && System.nanoTime() - stop < 0
                    && (fill = ChunkRewriter.rewritableFillRate(s)) < TARGET_FILL_RATE) {
                // Only chunks at or below the average: moving fuller ones costs more than it frees.
                if (ChunkRewriter.rewrite(s, fill, MOVE_BYTES_PER_STEP)) {
                    idle = 0;
                    compactSteps.incrementAndGet();
                    // Writes the moved pages now, rather than with the next caller's commit.
                    s.commit();
                } else {
                    idle++;
                }
            }
        } catch (SQLException | RuntimeException e) {
            failures.incrementAndGet();
            LOG.log(Level.WARNING, "H2 housekeeping failed ({0}); retrying in {1} ms", e.getClass().getSimpleName(),
                    PERIOD.toMillis());
            restoreRetention();
        }
    }

    // The open file store of the database, found through a pooled connection once and again
    // whenever H2 closed and reopened the database; null for in-memory or remote databases.
    private MVStore store() throws SQLException {
        if (store != null && !store.isClosed()) {
            return store;
        }
        store = null;
        try (Connection c = pool.getConnection()) {
            if (!c.isWrapperFor(JdbcConnection.class)
                    || !(c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal local)) {
                return null; // not H2, or H2 over TCP: that server's process keeps its file
            }
            MVStore found = local.getDatabase().getStore().getMvStore();
            if (found.getFileStore() == null || found.getFileStore().isReadOnly()) {
                return null;
            }
            store = found;
            return found;
        }
    }

    private void restoreRetention() {
        try {
            if (ownRetention && store != null && !store.isClosed()) {
                store.setRetentionTime(H2_DEFAULT_RETENTION_MILLIS);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "restoring H2's retention time failed ({0})", e.getClass().getSimpleName());
        }
    }

    /** Passes run so far on a file store. */
    public long passes() {
        return passes.get();
    }

    /** Compaction steps that moved pages. */
    public long compactSteps() {
        return compactSteps.get();
    }

    /** Passes that failed. */
    public long failures() {
        return failures.get();
    }

    /** Stops the passes (waits for one in flight); the database's own close compacts once more. */
    @Override
    public void close() {
        if (thread != null) {
            // Never interrupted: an interrupt during H2's file I/O closes its FileChannel under it.
            thread.shutdown();
            try {
                thread.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            restoreRetention();
            store = null;
        }
    }
}
