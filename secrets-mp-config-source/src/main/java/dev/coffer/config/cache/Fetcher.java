package dev.coffer.config.cache;

import dev.coffer.config.settings.SecretMapping;
import java.util.List;

/**
 * How a {@link SecretCache} reaches the secrets: the remote or the embedded transport. Errors are
 * the {@link dev.coffer.spi.error.SecretsException} subclasses of the SPI; the cache decides from
 * them between stale-serving and revocation.
 */
public interface Fetcher {
    /** The value of {@code mapping}'s secret as UTF-8 text. */
    String read(SecretMapping mapping);

    /** The paths (without environment) of every secret of {@code environment} the caller may list; metadata only. */
    List<String> list(String environment);

    /** Releases what the transport holds (connections); further calls are not made. */
    default void close() {}

    /** How logs name the transport, e.g. its URL. */
    String describe();
}
