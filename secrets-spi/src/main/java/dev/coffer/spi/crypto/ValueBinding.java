package dev.coffer.spi.crypto;

import dev.coffer.spi.model.SecretPath;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The identity a sealed value is bound to. Its {@link #associatedData()} is authenticated with
 * both the value and its wrapped data key, so ciphertext copied to another version, path or
 * tenant does not open.
 *
 * @param path tenant, environment and path
 * @param version version number
 */
public record ValueBinding(SecretPath path, int version) {
    public ValueBinding {
        Objects.requireNonNull(path, "path");
        if (version < 1) {
            throw new IllegalArgumentException("version numbers start at 1");
        }
    }

    /** {@code coffer/v1|tenant|environment|path|version} as UTF-8. */
    public byte[] associatedData() {
        return ("coffer/v1|" + path.tenant() + "|" + path.environment() + "|" + path.path() + "|" + version)
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return path + "@" + version;
    }
}
