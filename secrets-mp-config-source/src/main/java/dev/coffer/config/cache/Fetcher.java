package dev.coffer.config.cache;

import dev.coffer.config.settings.SecretMapping;
import dev.coffer.spi.watch.ChangeSubscription;
import dev.coffer.spi.watch.WatchRequest;
import java.util.List;
import java.util.Optional;

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

    /**
     * Opens the transport's change stream (metadata of changes the caller may describe), or empty
     * when the transport has none (the cache then polls by TTL only).
     *
     * @throws dev.coffer.spi.error.SecretsException when the stream cannot be opened now
     */
    default Optional<ChangeSubscription> watch(WatchRequest request) {
        return Optional.empty();
    }

    /** Releases what the transport holds (connections); further calls are not made. */
    default void close() {}

    /** How logs name the transport, e.g. its URL. */
    String describe();
}
