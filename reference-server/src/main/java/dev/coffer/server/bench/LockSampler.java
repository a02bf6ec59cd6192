package dev.coffer.server.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Samples, on its own connection, how many backends of the run's database wait on a heavyweight lock
 * ({@code pg_stat_activity.wait_event_type = 'Lock'}, e.g. the audit chain's head row) every
 * {@link #PERIOD_MS} ms, and reads {@code pg_stat_database.xact_commit} at the start and the end.
 * The lock wait per read is estimated from the mean number of waiting backends (Little's law):
 * mean waiters x window / reads.
 */
final class LockSampler implements AutoCloseable {
    static final long PERIOD_MS = 50;
    private static final String WAITERS = "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock') FROM pg_stat_activity "
            + "WHERE datname = current_database() AND pid <> pg_backend_pid()";
    private static final String COMMITS = "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()";

    private final Connection connection;
    private final Thread thread;
    private final long commitsAtStart;
    private volatile boolean stop;
    private long samples;
    private long waiterSum;
    private long samplesWithWaiter;

    private LockSampler(Connection connection) throws SQLException {
        this.connection = connection;
        this.commitsAtStart = commits();
        this.thread = new Thread(this::loop, "coffer-bench-lock-sampler");
        thread.setDaemon(true);
    }

    /** Starts sampling {@code database}. */
    static LockSampler start(Postgres.Database database) throws SQLException {
        Connection c = database.connect();
        try {
            LockSampler sampler = new LockSampler(c);
            sampler.thread.start();
            return sampler;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void loop() {
        try (Statement s = connection.createStatement()) {
            while (!stop) {
                try (ResultSet rs = s.executeQuery(WAITERS)) {
                    rs.next();
                    long waiting = rs.getLong(1);
                    synchronized (this) {
                        samples++;
                        waiterSum += waiting;
                        if (waiting > 0) {
                            samplesWithWaiter++;
                        }
                    }
                }
                Thread.sleep(PERIOD_MS);
            }
        } catch (SQLException | InterruptedException e) {
            // Sampling ends; what was sampled so far is reported.
        }
    }

    /** Stops sampling and returns what it saw over a window of {@code seconds} in which {@code reads} reads were answered. */
    Locks stop(double seconds, long reads) throws InterruptedException, SQLException {
        stop = true;
        thread.join(5000);
        long end = commits();
        synchronized (this) {
            // The sampler's own queries are transactions too: one per sample, and the first commits() read.
            long commits = Math.max(0, end - commitsAtStart - samples - 1);
            double meanWaiters = samples == 0 ? 0 : (double) waiterSum / samples;
            return new Locks(samples, samples == 0 ? 0 : (double) samplesWithWaiter / samples, meanWaiters,
                    reads == 0 ? Double.NaN : meanWaiters * seconds * 1000 / reads, reads == 0 ? Double.NaN : (double) commits / reads);
        }
    }

    private long commits() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(COMMITS)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    @Override
    public void close() throws SQLException {
        stop = true;
        connection.close();
    }

    /**
     * What the sampler saw.
     *
     * @param samples how many samples
     * @param shareWaiting the share of samples in which at least one backend waited on a lock
     * @param meanWaiters the mean number of backends waiting on a lock
     * @param waitMsPerRead estimated lock wait per read, in ms
     * @param commitsPerRead transactions committed in the database per read (the sampler's own included)
     */
    record Locks(long samples, double shareWaiting, double meanWaiters, double waitMsPerRead, double commitsPerRead) {
        /** The report's note. */
        String note() {
            return String.format("lock waits: %.1f%% of %d samples, %.2f backends waiting on average, ~%.3f ms per read; %.2f commits per read",
                    shareWaiting * 100, samples, meanWaiters, waitMsPerRead, commitsPerRead);
        }
    }
}
