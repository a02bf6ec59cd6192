package dev.coffer.spi.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One instance's lease on one secret's rotation work, from {@link RotationStore#claimDue}. While
 * the lease lasts no other claim on that secret is handed out; once it expires (the instance died)
 * another instance may claim it. Runs are still changed by compare-and-set on their revision, so
 * an instance that lost its lease cannot overwrite the work of the next.
 *
 * @param tenant the secret's tenant
 * @param secretId the secret
 * @param owner the instance holding it
 * @param token random, unique per claim; renewals and releases must present it
 * @param expiresAt when the lease ends unless renewed
 * @param policyRevision the policy row's revision when claimed
 */
public record RotationClaim(String tenant, String secretId, String owner, String token, Instant expiresAt,
        long policyRevision) {
    public RotationClaim {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(secretId, "secretId");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
