package dev.coffer.jdbi;

import dev.coffer.jdbi.internal.Database;
import dev.coffer.jdbi.internal.Sql;
import dev.coffer.jdbi.internal.TransactionHook;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.store.BeforeCommit;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * Steps done once per installation, that is per database (table {@code installation_steps}):
 * what a server does on the very first start, such as creating its first administrator, is
 * recorded here so that it is never done again — not at the next restart, not by another
 * instance on the same database, and not after an operator undid it.
 *
 * <p>To record a step together with the change it guards, wrap the change's hook in
 * {@link #markingDone} and pass it, as it is, to a {@link JdbiSecretStore} or
 * {@link JdbiPolicyStore} change of the same {@link CofferDatabase}: the store hands the hook its
 * transaction, the step is inserted there, and the step, the change and the audit events the
 * wrapped hook returns commit together or not at all. If the step was recorded before, the hook
 * throws {@link StepAlreadyDone} and the change rolls back. {@link #markDone} records a step by
 * itself, in a transaction of its own (it joins no store transaction, also when called from a
 * hook).
 *
 * <pre>{@code
 * JdbiInstallation installation = db.installation();
 * if (!installation.isDone("admin-bootstrap")) {
 *     try {
 *         db.policyStore().put("default", adminPolicy,
 *                 installation.markingDone("admin-bootstrap", Instant.now(), stored -> List.of(bootstrapEvent)));
 *     } catch (JdbiInstallation.StepAlreadyDone e) {
 *         // another instance bootstrapped first: its put stands, this one was rolled back
 *     }
 * }
 * }</pre>
 */
public final class JdbiInstallation {
    private static final Pattern STEP = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    private final Database db;

    JdbiInstallation(Database db) {
        this.db = db;
    }

    /** Whether {@code step} has been recorded as done. */
    public boolean isDone(String step) {
        String name = requireStep(step);
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM installation_steps WHERE name = :name")
                .bind("name", name).mapTo(Integer.class).one() > 0);
    }

    /**
     * Records {@code step} as done at {@code at}, in a transaction of its own.
     *
     * @return whether this call recorded it; {@code false} if it was recorded before (a racing
     *         instance waits for the other's transaction, then gets {@code false})
     */
    public boolean markDone(String step, Instant at) {
        String name = requireStep(step);
        Objects.requireNonNull(at, "at");
        return db.transact(h -> insert(h, name, at), ErrorCode.STORE_UNAVAILABLE);
    }

    /**
     * A hook that records {@code step} as done at {@code at} inside the transaction of the change
     * it is passed to, then returns what {@code then} returns for the change's result (its audit
     * events, committed with it). Pass it unwrapped to a change of this database's
     * {@link JdbiSecretStore} or {@link JdbiPolicyStore}; anywhere else it refuses to run
     * ({@link IllegalStateException}, {@link IllegalArgumentException} for another database's
     * store), so a step is never recorded apart from its change.
     *
     * @throws StepAlreadyDone from the hook, rolling the change back, if {@code step} was
     *         recorded before (a racing instance waits for the other's transaction, then gets this)
     */
    public <T> BeforeCommit<T> markingDone(String step, Instant at, BeforeCommit<T> then) {
        String name = requireStep(step);
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(then, "then");
        return new TransactionHook<T>(db) {
            @Override
            protected List<AuditEvent> prepare(Handle h, T result) {
                boolean recorded;
                try {
                    recorded = insert(h, name, at);
                } catch (org.jdbi.v3.core.JdbiException e) {
                    throw Database.unavailable(ErrorCode.STORE_UNAVAILABLE, e);
                }
                if (!recorded) {
                    throw new StepAlreadyDone(name);
                }
                return then.prepare(result);
            }
        };
    }

    private static boolean insert(Handle h, String name, Instant at) {
        return h.createUpdate("INSERT INTO installation_steps (name, done_at) VALUES (:name, :at) ON CONFLICT DO NOTHING")
                .bind("name", name).bind("at", Sql.instant(at)).execute() == 1;
    }

    private static String requireStep(String step) {
        if (step == null || !STEP.matcher(step).matches()) {
            throw new IllegalArgumentException("an installation step is named [a-z][a-z0-9-]{0,62}");
        }
        return step;
    }

    /** Thrown by a {@link #markingDone} hook whose step was recorded before; the change rolls back. */
    public static final class StepAlreadyDone extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        private final String step;

        StepAlreadyDone(String step) {
            super("installation step '" + step + "' was recorded before; the change that would record it again was rolled back");
            this.step = step;
        }

        /** The step. */
        public String step() {
            return step;
        }
    }
}
