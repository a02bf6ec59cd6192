package dev.coffer.config.remote;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * A bearer token read from a file that something else keeps fresh, like a Kubernetes projected
 * service-account token or a Vault agent sink. Before each call the file's modification time, size
 * and identity are compared (one {@code stat}); when any changed the file is read again.
 * {@link #reload()} forces a re-read, which the ConfigSource does once after a 401 before it treats
 * the access as revoked. Surrounding whitespace is trimmed. The token is never logged.
 *
 * <pre>{@code
 * BearerToken token = new TokenFileBearerToken(Path.of("/var/run/secrets/coffer/token"));
 * }</pre>
 */
public final class TokenFileBearerToken implements BearerToken {
    private static final Logger LOG = Logger.getLogger(TokenFileBearerToken.class.getName());

    private record Stamp(FileTime modified, long size, Object key) {}

    private final Path file;
    private String token;
    private Stamp stamp;

    /** A token source over {@code file}; the file is first read on the first call. */
    public TokenFileBearerToken(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /**
     * The current token, re-read when the file changed.
     *
     * @throws UnavailableException {@code STORE_UNAVAILABLE} when the file cannot be read and no
     *     earlier token is known (a mount not ready yet is worth retrying)
     */
    @Override
    public synchronized String tokenFor(AccessContext ctx) {
        Stamp now = stampOrNull();
        if (token == null || now == null || !now.equals(stamp)) {
            read(now);
        }
        return token;
    }

    /** Reads the file again whatever its stamp says. */
    public synchronized void reload() {
        read(stampOrNull());
    }

    private void read(Stamp now) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (text.isEmpty()) {
                throw new IOException("empty");
            }
            boolean changed = token != null && !text.equals(token);
            token = text;
            stamp = now;
            if (changed) {
                LOG.fine(() -> "Coffer token file " + file + " changed; using the new token");
            }
        } catch (IOException | RuntimeException e) {
            if (token == null) {
                throw new UnavailableException(ErrorCode.STORE_UNAVAILABLE,
                        "the token file " + file + " cannot be read (" + e.getClass().getSimpleName() + ")");
            }
            // Keep the last good token: the file is probably being swapped; the next call looks again.
        }
    }

    private Stamp stampOrNull() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(a.lastModifiedTime(), a.size(), a.fileKey());
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "TokenFileBearerToken[" + file + ", token redacted]";
    }
}
