package dev.coffer.spi.store;

import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.VersionRecord;
import dev.coffer.spi.model.VersionState;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a read of one version needs from a {@link SecretStore}, found in one call
 * ({@link SecretStore#findForRead}): the secret at the path, the version number the selector
 * resolves to, that version's record and its sealed value. Each part is present only if the one
 * before it is, so the kernel can tell exactly where the lookup stopped:
 *
 * <pre>{@code
 * ReadTarget target = store.findForRead(path, VersionSelector.current()).orElseThrow(); // no secret
 * int number = target.number().orElseThrow();        // the alias is unset
 * VersionRecord record = target.version().orElseThrow(); // no version with that number
 * SealedValue sealed = target.sealed().orElseThrow();    // destroyed
 * }</pre>
 *
 * <p>Holds no plaintext: the sealed value is ciphertext, and {@link #toString()} names only the
 * secret, the number and the state.
 *
 * @param secret the secret at the path, pending deletion or not
 * @param number the version the selector names: its number, or the version its alias points at;
 *        empty only when the selector is an alias that is not set on the secret
 * @param version the record of version {@code number}; empty when {@code number} is empty or the
 *        secret has no such version
 * @param sealed the sealed value of {@code version}; empty when {@code version} is empty or the
 *        version is {@link VersionState#DESTROYED} (a disabled version still has one)
 */
public record ReadTarget(Secret secret, OptionalInt number, Optional<VersionRecord> version, Optional<SealedValue> sealed) {
    /**
     * @throws IllegalArgumentException if a part is present without the one before it, the record
     *         has another number than {@code number}, or a destroyed version comes with a sealed value
     */
    public ReadTarget {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(number, "number");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(sealed, "sealed");
        if (version.isPresent() && (number.isEmpty() || version.get().number() != number.getAsInt())) {
            throw new IllegalArgumentException("the version record must be the one of the resolved number " + number);
        }
        if (sealed.isPresent() && (version.isEmpty() || version.get().state() == VersionState.DESTROYED)) {
            throw new IllegalArgumentException("a sealed value needs a version that is not destroyed");
        }
    }

    /** The secret, whose selector names an alias that is not set. */
    public static ReadTarget unsetAlias(Secret secret) {
        return new ReadTarget(secret, OptionalInt.empty(), Optional.empty(), Optional.empty());
    }

    /** The secret and the number the selector names, which the secret has no version for. */
    public static ReadTarget missingVersion(Secret secret, int number) {
        return new ReadTarget(secret, OptionalInt.of(number), Optional.empty(), Optional.empty());
    }

    /** The secret and a version it has, with the sealed value if it still holds one. */
    public static ReadTarget of(Secret secret, VersionRecord version, Optional<SealedValue> sealed) {
        Objects.requireNonNull(version, "version");
        return new ReadTarget(secret, OptionalInt.of(version.number()), Optional.of(version), sealed);
    }

    @Override
    public String toString() {
        return "ReadTarget[" + secret.path() + ", number=" + (number.isPresent() ? String.valueOf(number.getAsInt()) : "unset")
                + ", state=" + version.map(v -> v.state().name()).orElse("none") + ", sealed=" + sealed.isPresent() + "]";
    }
}
