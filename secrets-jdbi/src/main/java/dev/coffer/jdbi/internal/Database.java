package dev.coffer.jdbi.internal;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.store.BeforeCommit;
import java.lang.System.Logger.Level;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Handles;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * The module's one way into the database: short reads, and transactions that run a
 * {@link BeforeCommit} hook inside themselves and write the audit events it returns into the
 * chain before they commit ({@link #write}), so a change and its audit events commit together or
 * not at all.
 *
 * <p>The store hands its events over explicitly: {@link BeforeCommit#prepare} returns them and
 * {@link #write} appends them on the change's own connection through the {@link ChainAppender}
 * of the database's audit log ({@link #withChain}). Nothing joins a transaction implicitly, and
 * handles are always opened explicitly ({@link Jdbi#open()}), never through Jdbi's per-thread
 * handle reuse. Tenant keys use a pool of their own ({@link #keys}): a sealer that creates a
 * tenant's first key runs inside a version add that already holds a main connection, so it must
 * never wait for another one from the same pool, and a key must be committed whether or not the
 * version that asked for it is.
 */
public final class Database {
    private static final System.Logger LOG = System.getLogger("dev.coffer.jdbi");

    private final Jdbi main;
    private final Jdbi keys;
    // Where write() puts a change's audit events; null until the audit log is wired in.
    private final ChainAppender chain;
    // Counts the changes write() makes, for caches that need no look-up; null when others may write.
    private final LocalChanges local;

    /** Works on {@code mainSource}; tenant keys on {@code keySource}, a pool of their own. */
    public Database(DataSource mainSource, DataSource keySource) {
        this(mainSource, keySource, null);
    }

    /**
     * Works on {@code mainSource}, and counts every {@link #write} in {@code local}, when not
     * {@code null} (only for a database no other process writes, see {@link LocalChanges}).
     */
    public Database(DataSource mainSource, DataSource keySource, LocalChanges local) {
        this(configure(Jdbi.create(Objects.requireNonNull(mainSource, "mainSource"))),
                configure(Jdbi.create(Objects.requireNonNull(keySource, "keySource"))), null, local);
    }

    private Database(Jdbi main, Jdbi keys, ChainAppender chain, LocalChanges local) {
        this.main = main;
        this.keys = keys;
        this.chain = chain;
        this.local = local;
    }

    /**
     * The changes of this database made through {@link #write} in this JVM, or {@code null} when
     * other processes may write it too (then a cache must ask the database whether it is current).
     */
    public LocalChanges localChanges() {
        return local;
    }

    /**
     * The same database (same pools), whose {@link #write}s append their audit events with
     * {@code chain}: the audit log's, once it is open.
     */
    public Database withChain(ChainAppender chain) {
        return new Database(main, keys, Objects.requireNonNull(chain, "chain"), local);
    }

    /** Whether {@code other} works on the same pools as this one. */
    boolean sameDatabase(Database other) {
        return other != null && other.main == main;
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
     * Runs {@code change} in a transaction, then {@code hook.prepare} with its result inside the
     * same transaction, appends the drafts it returns to the audit chain on that transaction
     * (locking the chain's head, as every append does), then commits: the change and its events
     * become visible together. If anything throws, the transaction is rolled back and the
     * exception propagates unchanged; a failure to write the events becomes
     * {@link UnavailableException} {@code AUDIT_UNAVAILABLE}, any other database failure (the
     * commit's included) {@code STORE_UNAVAILABLE}.
     *
     * @throws NullPointerException if the hook returns {@code null} or a {@code null} event
     * @throws IllegalArgumentException if the hook returns an event that is not a draft, two
     *         drafts with one id, or a draft whose id is already in the chain
     */
    public <T> T write(Function<Handle, T> change, BeforeCommit<T> hook) {
        Objects.requireNonNull(hook, "hook");
        if (local == null) {
            return writeOnce(change, hook);
        }
        // Before the commit, so that no cache answers with what the change replaces once it is visible.
        local.begin();
        try {
            return writeOnce(change, hook);
        } finally {
            local.end();
        }
    }

    private <T> T writeOnce(Function<Handle, T> change, BeforeCommit<T> hook) {
        List<List<AuditEvent>> appended = new java.util.ArrayList<>(1);
        T result = transact(main, h -> {
            T changed = change.apply(h);
            List<AuditEvent> drafts = requireDrafts(prepare(hook, h, changed));
            if (!drafts.isEmpty()) {
                if (chain == null) {
                    throw new IllegalStateException("this database has no audit log to append a change's events to");
                }
                try {
                    appended.add(chain.appendInTransaction(h, drafts));
                } catch (JdbiException e) {
                    throw unavailable(ErrorCode.AUDIT_UNAVAILABLE, e);
                } catch (IllegalStateException missingHead) {
                    // The chain's head row is gone (a damaged schema): the log cannot be written.
                    throw new UnavailableException(ErrorCode.AUDIT_UNAVAILABLE,
                            "the audit log cannot be written (" + missingHead.getMessage() + ")", missingHead);
                }
            }
            return changed;
        }, ErrorCode.STORE_UNAVAILABLE);
        if (!appended.isEmpty()) {
            chain.committed(appended.get(0));
        }
        return result;
    }

    private <T> List<AuditEvent> prepare(BeforeCommit<T> hook, Handle h, T result) {
        if (hook instanceof TransactionHook<T> own) {
            if (!own.belongsTo(this)) {
                throw new IllegalArgumentException("a hook of another CofferDatabase cannot run in this database's transaction");
            }
            return own.prepareIn(h, result);
        }
        return hook.prepare(result);
    }

    // The rules of BeforeCommit.prepare's result, checked before anything is written.
    private static List<AuditEvent> requireDrafts(List<AuditEvent> events) {
        Objects.requireNonNull(events, "a BeforeCommit hook returned null instead of a list of events");
        Set<String> ids = new HashSet<>();
        for (AuditEvent event : events) {
            Objects.requireNonNull(event, "a BeforeCommit hook returned a null event");
            if (!event.isDraft() || event.seq() != 0 || event.prevHash() != null) {
                throw new IllegalArgumentException("a BeforeCommit hook returned event " + event.seq() + " (id " + event.id()
                        + "), which is already chained; only drafts can be appended");
            }
            if (!ids.add(event.id())) {
                throw new IllegalArgumentException("a BeforeCommit hook returned two drafts with the id " + event.id());
            }
        }
        return List.copyOf(events);
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

    /** The exception a database failure becomes; never carries bound values in its message. */
    public static UnavailableException unavailable(ErrorCode code, JdbiException failure) {
        String what = code == ErrorCode.AUDIT_UNAVAILABLE ? "the audit log cannot be written" : "the secret store failed";
        // A COMMIT whose reply was lost may have committed (a change then with its audit events, never without).
        return new UnavailableException(code, what + " (" + Sql.describe(failure) + "); nothing was changed, unless the"
                + " connection was lost while committing", Sql.rootCause(failure));
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
