package dev.coffer.spi.model;

import java.time.Instant;

/**
 * A version as reported to callers: its stored facts plus the derived {@link VersionStatus}.
 * Versions are immutable apart from their state; values are never part of this type.
 *
 * @param number version number
 * @param state stored state
 * @param status derived status (see {@link VersionStatus#derive})
 * @param createdBy principal that added it
 * @param createdAt when it was added
 * @param expiresAt advisory expiry, or {@code null}
 * @param keyId id of the key that wrapped its data key
 */
public record SecretVersion(
        int number, VersionState state, VersionStatus status, String createdBy, Instant createdAt, Instant expiresAt, String keyId) {

    public SecretVersion {
        Fields.required(state, "state");
        Fields.required(status, "status");
    }

    /** Derives the reported version from the stored record and the secret's aliases. */
    public static SecretVersion derive(VersionRecord record, Aliases aliases) {
        return new SecretVersion(record.number(), record.state(),
                VersionStatus.derive(record.state(), record.number(), aliases),
                record.createdBy(), record.createdAt(), record.expiresAt(), record.keyId());
    }
}
