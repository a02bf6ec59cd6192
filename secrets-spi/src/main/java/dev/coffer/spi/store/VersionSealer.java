package dev.coffer.spi.store;

import dev.coffer.spi.crypto.SealedValue;

/**
 * Seals a new version's value once the store has allocated its number: the number is part of
 * the ciphertext's associated data, so it must be known before encryption.
 */
@FunctionalInterface
public interface VersionSealer {
    /** Seals the value as version {@code number}. */
    SealedValue seal(int number);
}
