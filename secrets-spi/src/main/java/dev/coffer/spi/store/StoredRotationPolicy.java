package dev.coffer.spi.store;

import dev.coffer.spi.rotation.RotationPolicy;
import java.time.Instant;
import java.util.Objects;

/**
 * A rotation policy as a {@link RotationStore} keeps it, with the engine's bookkeeping.
 *
 * @param tenant the secret's tenant
 * @param secretId the secret
 * @param policy the policy
 * @param dueAt when the engine should next look at this secret (schedule, retry, canary end, retirement)
 * @param updatedAt when the policy was last set
 * @param revision bumped by every change to the policy row (set, a run's change, a release that moves {@code dueAt})
 */
public record StoredRotationPolicy(String tenant, String secretId, RotationPolicy policy, Instant dueAt,
        Instant updatedAt, long revision) {
    public StoredRotationPolicy {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(secretId, "secretId");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(dueAt, "dueAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
