package dev.coffer.config.internal;

import dev.coffer.config.EmbeddedSecrets;
import dev.coffer.config.cache.Fetcher;
import dev.coffer.config.settings.Settings;
import java.net.URI;
import java.util.Comparator;
import java.util.ServiceLoader;

/** Builds the {@link Fetcher} that {@link Settings#url()} selects. */
public final class Transports {
    private Transports() {}

    /** The remote transport for {@code settings}. */
    public static Fetcher remote(Settings settings) {
        return RemoteFetcher.create(URI.create(settings.url()), settings.tokenFile(), settings.tenant());
    }

    /** The embedded transport over {@code provider}. */
    public static Fetcher embedded(EmbeddedSecrets provider) {
        return new ManagerFetcher(provider.manager(), provider.context(),
                "embedded SecretManager (" + provider.getClass().getName() + ")");
    }

    /**
     * The highest-priority {@link EmbeddedSecrets} that {@code loader} finds.
     *
     * @throws IllegalStateException when there is none
     */
    public static EmbeddedSecrets findEmbedded(ClassLoader loader) {
        ServiceLoader<EmbeddedSecrets> found = loader == null ? ServiceLoader.load(EmbeddedSecrets.class)
                : ServiceLoader.load(EmbeddedSecrets.class, loader);
        return found.stream().map(ServiceLoader.Provider::get)
                .max(Comparator.comparingInt(EmbeddedSecrets::priority))
                .orElseThrow(() -> new IllegalStateException(Settings.URL + "=" + Settings.EMBEDDED
                        + " but no " + EmbeddedSecrets.class.getName() + " is registered in META-INF/services"));
    }
}
