package dev.coffer.server.standalone;

import dev.coffer.spi.store.BeforeCommit;
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
     * Records, by itself, that it ran at {@code at} (an installation from before the record
     * existed).
     *
     * @return whether this call recorded it; {@code false} if it was recorded before
     */
    boolean record(Instant at);

    /**
     * A hook for the bootstrap policy's put, passed to the backend's own policy store as it is
     * (not wrapped): it records the bootstrap at {@code at} inside the put's atomic unit, then
     * returns what {@code then} returns (the put's audit events), so the record, the policy and
     * its events commit together. If the bootstrap was recorded before, the hook throws and the
     * put is undone; {@link #recordedBefore} recognizes that exception.
     */
    <T> BeforeCommit<T> recording(Instant at, BeforeCommit<T> then);

    /** Whether {@code failure}, thrown by a change with a {@link #recording} hook, says the bootstrap was recorded before. */
    boolean recordedBefore(RuntimeException failure);
}
