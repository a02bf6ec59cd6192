package dev.coffer.spi.store;

import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.rotation.RotationPolicy;
import dev.coffer.spi.rotation.RotationRun;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * SPI: the rotation engine's durable state: each secret's policy with when the engine should next
 * look at it, the runs, and the claims that keep two instances off the same secret.
 *
 * <p>Contract (proved by the TCK's {@code RotationStoreContract}):
 * <ul>
 *   <li>one policy per secret; every change to a policy row (set, a run created or updated with a
 *       {@code dueAt}, a release that moves it) bumps its revision;</li>
 *   <li>at most one open run per secret ({@link RotationRun#isOpen()}): a second
 *       {@link #createRun} fails with {@code ROTATION_IN_PROGRESS}, also under concurrency;</li>
 *   <li>runs change by compare-and-set: {@link #updateRun} takes the run with its next revision
 *       and fails with {@code STATE_CONFLICT} unless the stored revision is the one before; a
 *       terminal run never changes state again (its retirement fields may);</li>
 *   <li>{@link #claimDue} hands each due, unclaimed (or expired-claim) policy to exactly one
 *       caller, also when several instances claim at once ({@code FOR UPDATE SKIP LOCKED} in SQL);</li>
 *   <li>lookups are scoped to the tenant; every mutation is atomic with its hook's audit events,
 *       as for {@link SecretStore}.</li>
 * </ul>
 * Failures of the backing system raise {@code STORE_UNAVAILABLE} and leave nothing half-done.
 */
public interface RotationStore {
    /** The most claims one {@link #claimDue} hands out. */
    int MAX_CLAIMS = 1000;
    /** The most runs one {@link #recentRuns} returns. */
    int MAX_RECENT_RUNS = 100;

    /** Where the events of committed changes wait for the kernel, as {@link SecretStore#auditOutbox()}. */
    AuditOutbox auditOutbox();

    /**
     * Creates or replaces the policy of a secret (the kernel has checked that the secret exists),
     * with the moment the engine should next look at it; a claim on the secret is kept.
     */
    StoredRotationPolicy putPolicy(String tenant, String secretId, RotationPolicy policy, Instant dueAt, Instant now,
            BeforeCommit<StoredRotationPolicy> hook);

    /** The policy of a secret. */
    Optional<StoredRotationPolicy> findPolicy(String tenant, String secretId);

    /**
     * Removes the policy of a secret; its runs stay as history.
     *
     * @throws dev.coffer.spi.error.NotFoundException {@code ROTATION_NOT_CONFIGURED}
     * @throws dev.coffer.spi.error.ConflictException {@code ROTATION_IN_PROGRESS} while a run is open
     */
    void deletePolicy(String tenant, String secretId, BeforeCommit<StoredRotationPolicy> hook);

    /** Removes the policy and every run of a secret that no longer exists; nothing if there are none. */
    void forgetSecret(String tenant, String secretId);

    /** A tenant's policies ordered by secret id; tokens are the store's own, as for {@link SecretStore#listSecrets}. */
    Page<StoredRotationPolicy> listPolicies(String tenant, PageRequest page);

    /**
     * Stores a new run (revision 1) and sets the policy's {@code dueAt}.
     *
     * @throws dev.coffer.spi.error.NotFoundException {@code ROTATION_NOT_CONFIGURED} if the secret has no policy
     * @throws dev.coffer.spi.error.ConflictException {@code ROTATION_IN_PROGRESS} if the secret has an open run
     */
    RotationRun createRun(RotationRun run, Instant dueAt, BeforeCommit<RotationRun> hook);

    /**
     * Replaces a run by compare-and-set: {@code run.revision()} must be one more than the stored
     * revision. Sets the policy's {@code dueAt} too unless it is {@code null}.
     *
     * @throws dev.coffer.spi.error.NotFoundException {@code ROTATION_NOT_CONFIGURED} if the run does not exist
     * @throws dev.coffer.spi.error.ConflictException {@code STATE_CONFLICT} on a stale revision, or a change of
     *         state of a terminal run
     */
    RotationRun updateRun(RotationRun run, Instant dueAt, BeforeCommit<RotationRun> hook);

    /** A run by id. */
    Optional<RotationRun> findRun(String tenant, String runId);

    /** The open run of a secret. */
    Optional<RotationRun> openRun(String tenant, String secretId);

    /** A secret's newest runs, newest first (by {@code startedAt}, then id), at most {@code limit} ({@value #MAX_RECENT_RUNS}). */
    List<RotationRun> recentRuns(String tenant, String secretId, int limit);

    /**
     * Claims up to {@code limit} ({@value #MAX_CLAIMS}) policies, of any tenant, whose {@code dueAt}
     * is not after {@code now} and that no live claim holds, earliest {@code dueAt} first, each for
     * {@code lease}. Policies claimed by a concurrent call are skipped, not waited for.
     *
     * @throws IllegalArgumentException for a limit outside 1..{@value #MAX_CLAIMS} or a lease that
     *         is not positive (its claims would be expired when made)
     */
    List<RotationClaim> claimDue(Instant now, String owner, Duration lease, int limit);

    /**
     * Extends a claim still held (same token, not expired); empty if it was lost.
     *
     * @throws IllegalArgumentException for a lease that is not positive
     */
    Optional<RotationClaim> renewClaim(RotationClaim claim, Instant now, Duration lease);

    /**
     * Gives a claim up (same token; a lost claim changes nothing) and, unless {@code dueAt} is
     * {@code null}, sets the policy's {@code dueAt}, but only if the policy row is unchanged since the
     * claim (its revision is {@link RotationClaim#policyRevision()}), so a concurrent rotate-now or
     * policy change is not overwritten.
     *
     * @return whether the claim was still held
     */
    boolean releaseClaim(RotationClaim claim, Instant dueAt);
}
