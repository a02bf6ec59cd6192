package dev.coffer.spi.model;

import java.time.Instant;

/**
 * The stored facts of a version, as a {@link dev.coffer.spi.store.SecretStore} keeps them. Holds
 * no status (that is derived) and no value (that is sealed).
 *
 * @param number the version number, from 1, monotonic per secret and never reused
 * @param state stored state
 * @param createdBy principal id that added the version
 * @param createdAt when it was added
 * @param expiresAt advisory expiry reported to readers; {@code null} when none
 * @param keyId the id of the key that wrapped the version's data key; empty once destroyed
 */
public record VersionRecord(int number, VersionState state, String createdBy, Instant createdAt, Instant expiresAt, String keyId) {
    public VersionRecord {
        if (number < 1) {
            throw Fields.invalid("version numbers start at 1, got " + number);
        }
        Fields.required(state, "state");
        Fields.required(createdBy, "createdBy");
        Fields.required(createdAt, "createdAt");
        keyId = keyId == null ? "" : keyId;
    }

    /** A copy in {@code newState}; destroying also forgets the key id. */
    public VersionRecord withState(VersionState newState) {
        return new VersionRecord(number, newState, createdBy, createdAt, expiresAt,
                newState == VersionState.DESTROYED ? "" : keyId);
    }
}
