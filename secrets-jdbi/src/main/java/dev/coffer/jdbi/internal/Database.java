package dev.coffer.jdbi.internal;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.store.BeforeCommit;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Handles;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * The module's one way into the database: short reads, transactions that run a
 * {@link BeforeCommit} hook inside themselves, and the "current transaction" of the calling
 * thread, which the audit log joins so that a change and its audit event commit together.
 *
 * <p>Handles are always opened explicitly ({@link Jdbi#open()}), never through Jdbi's implicit
 * per-thread handle reuse: only the audit log may join a store's transaction, and only while the
 * hook runs. Tenant keys use a pool of their own ({@link #keys}): a sealer that creates a
 * tenant's first key runs inside a version add that already holds a main connection, so it must
 * never wait for another one from the same pool, and a key must be committed whether or not the
 * version that asked for it is.
 */
public final class Database {
    private static final System.Logger LOG = System.getLogger("dev.coffer.jdbi");

    private final Jdbi main;
    private final Jdbi keys;
    // Per database, so that parts of another CofferDatabase on the same thread never join it.
    private final ThreadLocal<Handle> transaction = new ThreadLocal<>();

    /** Works on {@code mainSource}; tenant keys on {@code keySource}, a pool of their own. */
    public Database(DataSource mainSource, DataSource keySource) {
        this.main = configure(Jdbi.create(Objects.requireNonNull(mainSource, "mainSource")));
        this.keys = configure(Jdbi.create(Objects.requireNonNull(keySource, "keySource")));
    }

    private static Jdbi configure(Jdbi jdbi) {
        // Transactions are ended explicitly here, also when the connection died under them.
        jdbi.getConfig(Handles.class).setForceEndTransactions(false);
        // Statement exceptions would otherwise render bound arguments (sealed bytes among them).
        jdbi.getConfig(StatementExceptions.class).setMessageRendering(StatementExceptions.MessageRendering.NONE);
        return jdbi;
    }

    /** Runs {@code work} on a connection of its own, outside any transaction. */
    public <T> T read(Function<Handle, T> work) {
        return withHandle(main, work, ErrorCode.STORE_UNAVAILABLE);
    }

    /** Runs {@code work} in a transaction that sees one snapshot of the database throughout. */
    public <T> T snapshot(Function<Handle, T> work, ErrorCode onFailure) {
        return withHandle(main, h -> h.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, work::apply), onFailure);
    }

    /**
     * Runs {@code change} in a transaction, then {@code hook} with its result inside the same
     * transaction (the thread's {@link #currentTransaction()} while it runs), then commits. If
     * anything throws, the transaction is rolled back and the exception propagates unchanged;
     * database failures become {@link UnavailableException} {@code STORE_UNAVAILABLE}.
     */
    public <T> T write(Function<Handle, T> change, BeforeCommit<T> hook) {
        return transact(main, h -> {
            T result = change.apply(h);
            Handle outer = transaction.get();
            transaction.set(h);
            try {
                hook.run(result);
            } finally {
                if (outer == null) {
                    transaction.remove();
                } else {
                    transaction.set(outer);
                }
            }
            return result;
        }, ErrorCode.STORE_UNAVAILABLE);
    }

    /** Runs {@code work} in a transaction of its own; database failures become {@code onFailure}. */
    public <T> T transact(Function<Handle, T> work, ErrorCode onFailure) {
        return transact(main, work, onFailure);
    }

    /** Runs {@code work} in a transaction on the tenant-key pool. */
    public <T> T keys(Function<Handle, T> work) {
        return transact(keys, work, ErrorCode.STORE_UNAVAILABLE);
    }

    /** Reads on the tenant-key pool. */
    public <T> T readKeys(Function<Handle, T> work) {
        return withHandle(keys, work, ErrorCode.STORE_UNAVAILABLE);
    }

    /** The transaction whose {@link BeforeCommit} hook the calling thread is running, or {@code null}. */
    public Handle currentTransaction() {
        return transaction.get();
    }

    /** The exception a database failure becomes; never carries bound values in its message. */
    public static UnavailableException unavailable(ErrorCode code, JdbiException failure) {
        String what = code == ErrorCode.AUDIT_UNAVAILABLE ? "the audit log cannot be written" : "the secret store failed";
        return new UnavailableException(code, what + " (" + Sql.describe(failure) + "); nothing was changed", Sql.rootCause(failure));
    }

    private static <T> T withHandle(Jdbi jdbi, Function<Handle, T> work, ErrorCode onFailure) {
        try (Handle h = jdbi.open()) {
            return work.apply(h);
        } catch (JdbiException e) {
            throw unavailable(onFailure, e);
        }
    }

    private static <T> T transact(Jdbi jdbi, Function<Handle, T> work, ErrorCode onFailure) {
        Handle h;
        try {
            h = jdbi.open();
        } catch (JdbiException e) {
            throw unavailable(onFailure, e);
        }
        try {
            h.begin();
            T result = work.apply(h);
            h.commit();
            return result;
        } catch (RuntimeException | Error failure) {
            rollbackQuietly(h);
            if (failure instanceof JdbiException j) {
                throw unavailable(onFailure, j);
            }
            throw failure;
        } finally {
            closeQuietly(h);
        }
    }

    // A rollback that fails means the connection is gone, and with it the transaction.
    private static void rollbackQuietly(Handle h) {
        try {
            h.rollback();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "rollback failed; the connection is discarded: {0}", e.getClass().getName());
        }
    }

    private static void closeQuietly(Handle h) {
        try {
            h.close();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "closing a connection failed: {0}", e.getClass().getName());
        }
    }
}
