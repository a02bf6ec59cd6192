package dev.coffer.jdbi.internal;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.store.BeforeCommit;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * A {@link BeforeCommit} hook that also writes rows of its own in the change's transaction (an
 * installation step recorded with the change it guards). {@link Database#write} hands it the
 * transaction explicitly; passed to a store of another database, or wrapped in another hook, it
 * refuses to run rather than commit apart from the change.
 *
 * @param <T> what the change produced
 */
public abstract class TransactionHook<T> implements BeforeCommit<T> {
    private final Database owner;

    protected TransactionHook(Database owner) {
        this.owner = owner;
    }

    /** Runs inside the change's transaction {@code h}; returns the change's audit drafts. */
    protected abstract List<AuditEvent> prepare(Handle h, T result);

    /** Whether this hook writes into {@code db}'s database. */
    final boolean belongsTo(Database db) {
        return owner.sameDatabase(db);
    }

    final List<AuditEvent> prepareIn(Handle h, T result) {
        return prepare(h, result);
    }

    /**
     * Always throws: this hook runs only when a store of its own database hands it the
     * transaction.
     */
    @Override
    public final List<AuditEvent> prepare(T result) {
        throw new IllegalStateException("this hook writes in the change's transaction and runs only when passed as it is"
                + " to a JdbiSecretStore or JdbiPolicyStore of the CofferDatabase that made it");
    }
}
