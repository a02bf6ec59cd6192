package dev.coffer.jdbi;

import dev.coffer.jdbi.internal.Database;
import dev.coffer.jdbi.internal.Sql;
import dev.coffer.spi.error.ErrorCode;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * Steps done once per installation, that is per database (table {@code installation_steps}):
 * what a server does on the very first start, such as creating its first administrator, is
 * recorded here so that it is never done again — not at the next restart, not by another
 * instance on the same database, and not after an operator undid it.
 *
 * <p>{@link #markDone} called from a store's {@link dev.coffer.spi.store.BeforeCommit} hook joins
 * that store's transaction, so the step and what it changed commit together or not at all.
 *
 * <pre>{@code
 * JdbiInstallation installation = db.installation();
 * if (!installation.isDone("admin-bootstrap")) {
 *     db.policyStore().put("default", adminPolicy, stored -> {
 *         if (!installation.markDone("admin-bootstrap", Instant.now())) {
 *             throw new IllegalStateException("another instance bootstrapped first"); // rolls the put back
 *         }
 *     });
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
     * Records {@code step} as done at {@code at}, in the calling thread's store transaction when
     * called from a {@code BeforeCommit} hook, else in a transaction of its own.
     *
     * @return whether this call recorded it; {@code false} if it was recorded before (a racing
     *         instance waits for the other's transaction, then gets {@code false})
     */
    public boolean markDone(String step, Instant at) {
        String name = requireStep(step);
        Objects.requireNonNull(at, "at");
        Function<Handle, Boolean> insert = h -> h.createUpdate(
                        "INSERT INTO installation_steps (name, done_at) VALUES (:name, :at) ON CONFLICT DO NOTHING")
                .bind("name", name).bind("at", Sql.instant(at)).execute() == 1;
        Handle joined = db.currentTransaction();
        if (joined != null) {
            try {
                return insert.apply(joined);
            } catch (org.jdbi.v3.core.JdbiException e) {
                throw Database.unavailable(ErrorCode.STORE_UNAVAILABLE, e);
            }
        }
        return db.transact(insert, ErrorCode.STORE_UNAVAILABLE);
    }

    private static String requireStep(String step) {
        if (step == null || !STEP.matcher(step).matches()) {
            throw new IllegalArgumentException("an installation step is named [a-z][a-z0-9-]{0,62}");
        }
        return step;
    }
}
