package dev.coffer.jdbi.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;

/**
 * The changes made to an embedded H2 database by this process, counted here so that caches of
 * what a read needs (policies, grants, the rows of a secret) can know they are current without a
 * round trip to the database.
 *
 * <p>Sound only because no other process can write the database: H2 in file mode holds the
 * file's lock, and an in-memory database lives in this JVM. It is never used for PostgreSQL, for
 * H2 over TCP, for {@code AUTO_SERVER} (other processes connect through this one) or for
 * {@code FILE_LOCK=NO}; those keep asking the database ({@code policy_generation}). Every
 * {@code CofferDatabase} of this JVM on one H2 database shares one instance, so a change made
 * through one is seen by the caches of all. A change made with plain SQL behind the stores' back
 * is not seen; the stores make every change through {@link Database#write}, which brackets it.
 *
 * <p>The protocol (a sequence lock for many writers):
 * <ul>
 *   <li>a change calls {@link #begin()} before its transaction commits and {@link #end()} after
 *       it committed or rolled back; each moves the epoch, and in between the change is counted
 *       as in flight;</li>
 *   <li>a reader takes {@link #stamp()} before it reads: {@code -1} while any change is in flight,
 *       otherwise the epoch. It may cache what it read, tagged with the stamp, only if
 *       {@link #isCurrent(long) isCurrent(stamp)} still holds after the read: then no change began
 *       during the read, nor was one under way when it started;</li>
 *   <li>a cached value is used only while {@link #isCurrent(long)} holds for its tag. Since every
 *       change moves the epoch before it commits, no value read before a commit is used once
 *       that commit is visible.</li>
 * </ul>
 */
public final class LocalChanges {
    private static final Map<String, Shared> BY_DATABASE = new HashMap<>();

    private final String database;
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();

    private record Shared(LocalChanges changes, int users) {}

    private LocalChanges(String database) {
        this.database = database;
    }

    /**
     * The changes of the embedded H2 database behind {@code pool}, shared with every other user
     * of it in this JVM (give it back with {@link #release()}); {@code null} when other processes
     * may write it, or when it is not H2.
     *
     * @param jdbcUrl the URL the pool connects with (its settings decide whether others may connect)
     */
    public static LocalChanges acquire(DataSource pool, String jdbcUrl) throws SQLException {
        String url = jdbcUrl.toUpperCase(Locale.ROOT);
        if (!url.startsWith("JDBC:H2:") || url.contains(";AUTO_SERVER=TRUE") || url.contains(";FILE_LOCK=NO")) {
            return null;
        }
        String name;
        try (Connection c = pool.getConnection()) {
            if (!c.isWrapperFor(JdbcConnection.class)
                    || !(c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal local)) {
                return null; // H2 over TCP: that server's process may have other clients
            }
            name = local.getDatabase().getName();
        }
        synchronized (BY_DATABASE) {
            Shared shared = BY_DATABASE.get(name);
            LocalChanges changes = shared == null ? new LocalChanges(name) : shared.changes();
            BY_DATABASE.put(name, new Shared(changes, shared == null ? 1 : shared.users() + 1));
            return changes;
        }
    }

    /** A counter of its own, shared with nobody (tests). */
    static LocalChanges unshared() {
        return new LocalChanges(null);
    }

    /** Gives back what {@link #acquire} handed out; the last user's release forgets the database. */
    public void release() {
        if (database == null) {
            return;
        }
        synchronized (BY_DATABASE) {
            Shared shared = BY_DATABASE.get(database);
            if (shared == null || shared.changes() != this) {
                return;
            }
            if (shared.users() <= 1) {
                BY_DATABASE.remove(database);
            } else {
                BY_DATABASE.put(database, new Shared(this, shared.users() - 1));
            }
        }
    }

    /** A change is about to be made: from now on no cached value counts as current. */
    public void begin() {
        inFlight.incrementAndGet();
        epoch.incrementAndGet();
    }

    /** The change begun last by this caller committed or rolled back. */
    public void end() {
        epoch.incrementAndGet();
        inFlight.decrementAndGet();
    }

    /** The epoch to tag a read with, or {@code -1} when a change is in flight (nothing read now may be cached). */
    public long stamp() {
        long at = epoch.get();
        return inFlight.get() == 0 ? at : -1;
    }

    /** Whether nothing changed since {@code stamp} was taken (never for {@code -1}). */
    public boolean isCurrent(long stamp) {
        return stamp >= 0 && epoch.get() == stamp;
    }
}
