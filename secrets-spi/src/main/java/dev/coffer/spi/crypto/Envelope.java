package dev.coffer.spi.crypto;

import dev.coffer.spi.model.SecretValue;

/**
 * SPI: seals values bound to their identity and opens them again.
 *
 * <p>Contract (proved by the TCK's {@code EnvelopeContract}):
 * <ul>
 *   <li>{@code open(seal(v, b), b)} equals {@code v}; two seals of one value differ;</li>
 *   <li>opening with another binding (version, path, environment or tenant), or altered bytes,
 *       throws {@link dev.coffer.spi.error.IntegrityException}, whose message names the binding
 *       and never the value;</li>
 *   <li>key services that cannot be reached raise
 *       {@link dev.coffer.spi.error.UnavailableException} with
 *       {@link dev.coffer.spi.error.ErrorCode#KEY_UNAVAILABLE};</li>
 *   <li>thread-safe.</li>
 * </ul>
 */
public interface Envelope {
    /** Encrypts {@code value} for {@code binding} under a fresh data key. */
    SealedValue seal(SecretValue value, ValueBinding binding);

    /** Decrypts; the caller closes the returned value. */
    SecretValue open(SealedValue sealed, ValueBinding binding);

    /**
     * Releases key material this envelope holds outside {@code sealed} for {@code binding}
     * (for example a data key kept in an HSM). Called when a version is destroyed, after which
     * the store deletes the sealed value itself. Envelopes whose keys all travel inside
     * {@link SealedValue} hold nothing more and have nothing to release.
     */
    default void shred(SealedValue sealed, ValueBinding binding) {
        // Everything lives in the SealedValue, which the store deletes.
    }
}
