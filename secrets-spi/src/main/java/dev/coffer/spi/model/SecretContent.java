package dev.coffer.spi.model;

import java.time.Instant;

/**
 * The result of a read: which version was read and its value. Close it to wipe the value.
 *
 * <pre>{@code
 * try (SecretContent content = manager.read(ctx, path, VersionSelector.current())) {
 *     connect(content.value().bytes());
 * }
 * }</pre>
 *
 * @param path the secret's path
 * @param version the version number that was read
 * @param value the plaintext
 * @param expiresAt the version's advisory expiry, or {@code null}
 */
public record SecretContent(SecretPath path, int version, SecretValue value, Instant expiresAt) implements AutoCloseable {
    public SecretContent {
        Fields.required(path, "path");
        Fields.required(value, "value");
    }

    /** Wipes the value. */
    @Override
    public void close() {
        value.close();
    }
}
