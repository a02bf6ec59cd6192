package dev.coffer.jdbi.internal;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * One thread that holds a dedicated PostgreSQL connection (not one of the pool's, so it never
 * starves the stores) in {@code LISTEN coffer_audit} and hands every notification's seq to the
 * log's {@link AppendSignal}: appends committed by any instance on the database wake this
 * instance's readers at once. Instances notify after their commits ({@link AuditNotifier}), with
 * the committed head as payload.
 *
 * <p>When the connection breaks (the backend was terminated, the network dropped) the thread
 * reconnects with a backoff from {@link #FIRST_BACKOFF} up to {@link #MAX_BACKOFF}; meanwhile
 * readers still get local appends at once and others' at their wait's timeout (they poll). It
 * logs once when the connection is lost and once when it is back, naming only the failure's
 * class and SQL state; on reconnecting it calls {@code onListening} (the log then wakes readers
 * for whatever committed while it was away).
 *
 * <pre>{@code
 * AuditListener listener = new AuditListener(connections, signal::signal, this::caughtUp);
 * listener.start();
 * ...
 * listener.close();
 * }</pre>
 */
public final class AuditListener implements AutoCloseable {
    /** The notification channel appends notify on. */
    public static final String CHANNEL = "coffer_audit";
    /** The application_name of the listening connection (pg_stat_activity shows it). */
    public static final String APPLICATION_NAME = "coffer-audit-listen";
    /** The first wait before reconnecting. */
    public static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    /** The longest wait between reconnects. */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private static final System.Logger LOG = System.getLogger("dev.coffer.jdbi");
    // How long one wait for notifications blocks; bounds how late close() is noticed without an abort.
    private static final int POLL_MILLIS = 1000;
    // Without notifications for this long the connection is checked (a silently dropped network).
    private static final long CHECK_IDLE_NANOS = Duration.ofSeconds(30).toNanos();

    /** Opens the dedicated connection. */
    @FunctionalInterface
    public interface Connector {
        Connection connect() throws SQLException;
    }

    private final Connector connector;
    private final LongConsumer onSeq;
    private final Runnable onListening;
    private final Thread thread;
    private final AtomicLong reconnects = new AtomicLong();
    private volatile boolean closed;
    private volatile boolean listening;
    private volatile Connection current;

    /**
     * @param connector opens the dedicated connection
     * @param onSeq receives each notified seq
     * @param onListening runs each time LISTEN is (again) in place, on the listener's thread
     */
    public AuditListener(Connector connector, LongConsumer onSeq, Runnable onListening) {
        this.connector = Objects.requireNonNull(connector, "connector");
        this.onSeq = Objects.requireNonNull(onSeq, "onSeq");
        this.onListening = Objects.requireNonNull(onListening, "onListening");
        this.thread = new Thread(this::run, "coffer-audit-listen");
        this.thread.setDaemon(true);
    }

    /** Starts the listening thread. */
    public void start() {
        thread.start();
    }

    /** Whether LISTEN is in place now. */
    public boolean listening() {
        return listening;
    }

    /** How often the connection was lost and LISTEN was put in place again. */
    public long reconnects() {
        return reconnects.get();
    }

    private void run() {
        long backoff = FIRST_BACKOFF.toMillis();
        boolean lost = false;
        while (!closed) {
            try (Connection c = connector.connect()) {
                current = c;
                if (closed) {
                    break;
                }
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                listening = true;
                if (lost) {
                    lost = false;
                    reconnects.incrementAndGet();
                    LOG.log(Level.INFO, "audit notifications: listening again; readers are woken at once again");
                }
                backoff = FIRST_BACKOFF.toMillis();
                onListening.run();
                listen(c, pg);
            } catch (SQLException | RuntimeException e) {
                listening = false;
                if (closed) {
                    break;
                }
                if (!lost) {
                    lost = true;
                    LOG.log(Level.WARNING, "audit notifications: the listening connection failed ({0}{1}); reconnecting,"
                            + " meanwhile readers poll at their timeouts", e.getClass().getSimpleName(), sqlState(e));
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException stop) {
                    break;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
            } finally {
                listening = false;
                current = null;
            }
        }
    }

    private void listen(Connection c, PGConnection pg) throws SQLException {
        long quietSince = System.nanoTime();
        while (!closed) {
            PGNotification[] notes = pg.getNotifications(POLL_MILLIS);
            if (notes != null && notes.length > 0) {
                long newest = 0;
                for (PGNotification n : notes) {
                    newest = Math.max(newest, parse(n.getParameter()));
                }
                onSeq.accept(newest);
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > CHECK_IDLE_NANOS) {
                if (!c.isValid(5)) {
                    throw new SQLException("the listening connection no longer answers");
                }
                quietSince = System.nanoTime();
            }
        }
    }

    // A payload that is not a seq (another writer on the channel) wakes every reader.
    private static long parse(String payload) {
        try {
            return Long.parseLong(payload);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String sqlState(Exception e) {
        return e instanceof SQLException s && s.getSQLState() != null ? ", SQL state " + s.getSQLState() : "";
    }

    /** Stops the thread and closes its connection; waits up to a few seconds for it to end. */
    @Override
    public void close() {
        closed = true;
        Connection c = current;
        if (c != null) {
            try {
                // abort() closes the socket without waiting for the thread blocked reading it.
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                LOG.log(Level.DEBUG, "aborting the listening connection failed: {0}", e.getClass().getName());
            }
        }
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
