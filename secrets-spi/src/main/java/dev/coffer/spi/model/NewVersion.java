package dev.coffer.spi.model;

import java.time.Instant;

/**
 * A value to add as a new version.
 *
 * @param value the plaintext; the caller keeps ownership and closes it
 * @param status {@link VersionStatus#PENDING} (staged, promote later) or {@link VersionStatus#CURRENT} (made current at once)
 * @param expiresAt optional advisory expiry reported to readers, within {@link InstantBounds}
 */
public record NewVersion(SecretValue value, VersionStatus status, Instant expiresAt) {
    public NewVersion {
        Fields.required(value, "value");
        Fields.required(status, "status");
        if (status != VersionStatus.PENDING && status != VersionStatus.CURRENT) {
            throw Fields.invalid("a new version's status must be PENDING or CURRENT, got " + status);
        }
        InstantBounds.require("expiresAt", expiresAt);
    }

    /** A version staged beside the current one, to be promoted later. */
    public static NewVersion pending(SecretValue value) {
        return new NewVersion(value, VersionStatus.PENDING, null);
    }

    /** A version made current at once (the old current becomes previous). */
    public static NewVersion current(SecretValue value) {
        return new NewVersion(value, VersionStatus.CURRENT, null);
    }
}
