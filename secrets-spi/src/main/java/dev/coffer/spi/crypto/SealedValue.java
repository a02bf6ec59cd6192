package dev.coffer.spi.crypto;

import java.util.Arrays;
import java.util.Objects;

/**
 * A value as stored: ciphertext, the data key wrapped by the tenant key, and the id of the key
 * that wrapped it. Opaque to stores; only the {@link Envelope} that made it can open it.
 *
 * @param ciphertext the value encrypted under the data key
 * @param wrappedKey the data key encrypted under the tenant key (may be empty for envelopes that keep keys elsewhere)
 * @param keyId which tenant key wrapped the data key, for rotation bookkeeping
 */
public record SealedValue(byte[] ciphertext, byte[] wrappedKey, String keyId) {
    public SealedValue {
        Objects.requireNonNull(ciphertext, "ciphertext");
        Objects.requireNonNull(wrappedKey, "wrappedKey");
        Objects.requireNonNull(keyId, "keyId");
    }

    /** A copy holding fresh arrays, so callers cannot alter stored bytes through a shared array. */
    public SealedValue copy() {
        return new SealedValue(ciphertext.clone(), wrappedKey.clone(), keyId);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SealedValue s && Arrays.equals(ciphertext, s.ciphertext)
                && Arrays.equals(wrappedKey, s.wrappedKey) && keyId.equals(s.keyId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(ciphertext), Arrays.hashCode(wrappedKey), keyId);
    }

    @Override
    public String toString() {
        return "SealedValue[keyId=" + keyId + ", " + ciphertext.length + " ciphertext bytes]";
    }
}
