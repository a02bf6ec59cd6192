package dev.coffer.spi.rotation;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.SecretRef;

/**
 * The rotation API: set a secret's policy, watch its runs, ask for a rotation now, cancel one,
 * roll back the last. Authorized and audited by the kernel like every {@link
 * dev.coffer.spi.SecretManager} call: setting or removing a policy needs {@code secrets:admin} on
 * the secret; setting one for any rotator but {@code manual-overlap} also needs {@code secrets:read},
 * {@code secrets:write} and {@code secrets:rotate} on it (the engine does all three on the setter's
 * behalf) and {@code secrets:read} on every secret its params name; running, cancelling and
 * rolling back need {@code secrets:rotate}; reading a status needs any of read, write, rotate or
 * admin. The engine itself acts as {@code service:coffer:rotation}.
 *
 * <pre>{@code
 * RotationManager rotations = kernel.rotations();
 * rotations.setPolicy(ctx, ref, RotationPolicy.builder("generated", RotationSchedule.parse("30d")).build());
 * RotationRun run = rotations.rotateNow(ctx, ref, false);   // the engine drives it from here
 * RotationStatus status = rotations.status(ctx, ref);       // status.open(), status.nextRotationAt()
 * }</pre>
 */
public interface RotationManager {
    /**
     * Sets or replaces a secret's rotation policy. An open run keeps its rotator; the new window,
     * attempts, overlap and canary apply from its next step. The engine looks at the secret soon after.
     *
     * @throws dev.coffer.spi.error.InvalidRequestException {@code INVALID_ROTATION_POLICY} for an unknown rotator or params it refuses
     */
    RotationStatus setPolicy(AccessContext ctx, SecretRef secret, RotationPolicy policy);

    /**
     * A secret's rotation status.
     *
     * @throws dev.coffer.spi.error.NotFoundException {@code ROTATION_NOT_CONFIGURED} if it has no policy
     */
    RotationStatus status(AccessContext ctx, SecretRef secret);

    /**
     * Removes a secret's rotation policy.
     *
     * @throws dev.coffer.spi.error.ConflictException {@code ROTATION_IN_PROGRESS} while a run is open (cancel it first)
     */
    void removePolicy(AccessContext ctx, SecretRef secret);

    /**
     * Opens a run now, whatever the schedule; the engine drives it. {@code testOnly} creates, applies
     * and tests a value, then discards it (the rotator undoes its apply) without promoting.
     *
     * @throws dev.coffer.spi.error.ConflictException {@code ROTATION_IN_PROGRESS} if a run is open;
     *         {@code ROTATION_NOT_AUTOMATIC} for {@code manual-overlap} or a disabled policy
     */
    RotationRun rotateNow(AccessContext ctx, SecretRef secret, boolean testOnly);

    /**
     * Asks the engine to cancel the open run: it undoes what the rotator applied, clears {@code next}
     * and ends the run {@code CANCELLED} (also a run that has created nothing yet: the engine may be
     * creating its value at that moment, and sets aside what it made).
     *
     * @throws dev.coffer.spi.error.ConflictException {@code ROTATION_NOT_RUNNING} if no run is open or it is already promoted
     */
    RotationRun cancel(AccessContext ctx, SecretRef secret);

    /**
     * Moves {@code current} back to {@code previous} by compare-and-set, while {@code previous} is
     * still enabled (inside the overlap), and calls off the old version's retirement.
     *
     * @throws dev.coffer.spi.error.ConflictException {@code ROLLBACK_UNAVAILABLE} without an enabled previous version,
     *         {@code ROTATION_IN_PROGRESS} while a run is open
     */
    Aliases rollback(AccessContext ctx, SecretRef secret);

    /** The rotation statuses of the caller's tenant the caller may see, ordered by secret id. */
    Page<RotationStatus> list(AccessContext ctx, RotationFilter filter, PageRequest page);
}
