package dev.coffer.spi.rotation;

import dev.coffer.spi.store.RotationClaim;
import java.util.List;

/**
 * The scheduler's handle on the rotation engine. An instance claims the secrets whose rotation work
 * is due (a scheduled rotation, a retry after backoff, the end of a canary or an overlap, a
 * rotate-now or cancel request) and drives each as far as it can go now; claims are leases in the
 * {@link dev.coffer.spi.store.RotationStore}, so several instances on one database never work on
 * the same secret at once and a dead instance's work is picked up once its lease expires.
 *
 * <pre>{@code
 * RotationEngine engine = kernel.rotationEngine();
 * for (RotationClaim claim : engine.claimDue(workers)) {
 *     pool.submit(() -> engine.drive(claim));     // bounded by the pool
 * }
 * }</pre>
 */
public interface RotationEngine {
    /** The id this engine claims under (unique per process). */
    String instanceId();

    /** Claims up to {@code limit} due secrets for this instance. */
    List<RotationClaim> claimDue(int limit);

    /**
     * Does the due work of one claimed secret (resumes or opens its run, retires an old version,
     * carries out a cancel), then releases the claim with the moment it is next due. Never throws for
     * a failing rotator or downstream: failures are recorded on the run, audited and retried.
     */
    void drive(RotationClaim claim);

    /**
     * How many secrets of {@code tenant} are overdue (their due moment plus window passed without a
     * rotation), for the server's {@code coffer_rotation_overdue_secrets} gauge. Read from the rotation
     * and secret stores as the engine sees them: not authorized, not audited, and no secret is named,
     * only counted. A server counts every minute or so, so an implementation may be a full scan.
     *
     * @throws UnsupportedOperationException if this engine cannot count (the default)
     */
    default long countOverdue(String tenant) {
        throw new UnsupportedOperationException("this rotation engine does not count overdue secrets");
    }

    /** Claims and drives up to {@code limit} due secrets one after the other in this thread; returns how many. */
    default int runDue(int limit) {
        List<RotationClaim> claims = claimDue(limit);
        claims.forEach(this::drive);
        return claims.size();
    }
}
