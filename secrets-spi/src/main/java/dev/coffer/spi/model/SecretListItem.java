package dev.coffer.spi.model;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * One entry of a secret listing: the secret's metadata (never a value) and the version alias
 * {@code current} points at, taken from the store's aliases without reading any value. Whether
 * deletion is pending, and when the secret becomes purgeable, is
 * {@link Secret#isPendingDeletion()} and {@link Secret#deletionScheduledAt()}.
 *
 * @param secret the metadata
 * @param currentVersion the number {@code current} points at; empty before the first current version
 */
public record SecretListItem(Secret secret, OptionalInt currentVersion) {
    public SecretListItem {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(currentVersion, "currentVersion");
    }

    /** The secret's id, for short. */
    public String id() {
        return secret.id();
    }

    /** The secret's path, for short. */
    public SecretPath path() {
        return secret.path();
    }
}
