package dev.coffer.jdbi.internal;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;

/**
 * Tells the other instances on a PostgreSQL database that this one committed audit events:
 * after each commit the log calls {@link #request()}, and one thread sends
 * {@code pg_notify('coffer_audit', <committed head>)} on a pooled connection, once for all the
 * requests that arrived meanwhile and at most every {@link #MIN_GAP}. Sending after the commit
 * and outside the append's transaction keeps appends free of any extra statement or commit work
 * (a NOTIFY in every append's transaction cost 15-25 % of audited-read throughput on the
 * benchmark), and the coalescing bounds the notifications under load. The payload is the head
 * read in the same statement, so it covers every event committed before.
 *
 * <p>A notification lost (a crash right after a commit, a failed send) only delays the other
 * instances' readers to their wait's timeout: they poll. A failed send is logged at DEBUG.
 *
 * <pre>{@code
 * AuditNotifier notifier = new AuditNotifier(db);
 * notifier.request(); // after a commit
 * notifier.close();
 * }</pre>
 */
public final class AuditNotifier implements AutoCloseable {
    /** The least time between two notifications of one instance. */
    public static final Duration MIN_GAP = Duration.ofMillis(5);

    private static final System.Logger LOG = System.getLogger("dev.coffer.jdbi");

    private final Database db;
    private final Thread thread;
    private boolean requested; // guarded by this
    private boolean closed; // guarded by this

    /** Notifies through {@code db}'s pool; starts its thread. */
    public AuditNotifier(Database db) {
        this.db = Objects.requireNonNull(db, "db");
        this.thread = new Thread(this::run, "coffer-audit-notify");
        thread.setDaemon(true);
        thread.start();
    }

    /** Events committed: a notification goes out soon (with those of other requests). */
    public synchronized void request() {
        if (!requested) {
            requested = true;
            notifyAll();
        }
    }

    private void run() {
        while (true) {
            synchronized (this) {
                while (!requested && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                requested = false;
            }
            send();
            try {
                Thread.sleep(MIN_GAP.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void send() {
        try {
            db.read(h -> h.execute("SELECT pg_notify('" + AuditListener.CHANNEL + "', CAST(last_seq AS text))"
                    + " FROM audit_head WHERE id = 1"));
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "audit notification not sent ({0}); other instances poll", e.getClass().getSimpleName());
        }
    }

    /** Stops the thread; requests not yet sent are dropped (the others poll). */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
