package dev.coffer.server.standalone;

import java.time.Instant;

/**
 * Where a backend keeps the fact that its installation's admin bootstrap has run: once per
 * database, ever, so that a restart (or another instance on the same database) never re-creates
 * what an operator removed. The in-memory backend keeps it in memory, like everything else.
 */
public interface BootstrapRecord {
    /** Whether the bootstrap has run for this installation. */
    boolean done();

    /**
     * Records that it ran at {@code at}; called from the bootstrap policy put's hook, so the two
     * commit together.
     *
     * @return whether this call recorded it; {@code false} if it was recorded before
     */
    boolean record(Instant at);
}
