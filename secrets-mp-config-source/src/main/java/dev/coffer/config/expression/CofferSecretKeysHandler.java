package dev.coffer.config.expression;

import dev.coffer.config.CofferConfigException;
import dev.coffer.config.EmbeddedSecrets;
import dev.coffer.config.cache.CacheRegistry;
import dev.coffer.config.cache.SecretCache;
import dev.coffer.config.internal.BuildPhase;
import dev.coffer.config.internal.Transports;
import dev.coffer.config.settings.SecretMapping;
import dev.coffer.config.settings.Settings;
import dev.coffer.spi.error.ErrorCode;
import io.smallrye.config.SecretKeysHandler;
import java.lang.ref.Cleaner;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Resolves the part after {@code coffer::} of an expression, {@code <environment>/<path>[#alias|@version]},
 * through the shared cache ({@link SecretCache#valueOf}): the first evaluation of a reference
 * fetches it, later ones are a map lookup; refreshes, stale serving within max-stale and
 * revocations apply as to a mapped property. SmallRye evaluates the expression on every read of the
 * property (it caches no expanded value), so a revocation fails the very next read.
 *
 * <p>Errors are {@link CofferConfigException}s (a revoked or missing secret) and
 * {@link IllegalArgumentException}s (a malformed reference, or no {@code coffer.url}); they name the
 * reference and the path, never a value.
 */
final class CofferSecretKeysHandler implements SecretKeysHandler {
    private static final Logger LOG = Logger.getLogger("dev.coffer.config");
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "coffer-expression-cleaner");
        t.setDaemon(true);
        t.setContextClassLoader(null);
        return t;
    });

    private final Supplier<Settings> settingsReader;
    private final EmbeddedSecrets embedded;
    private volatile SecretCache cache; // acquired by the first evaluation

    CofferSecretKeysHandler(Supplier<Settings> settings, EmbeddedSecrets embedded) {
        this.settingsReader = settings;
        this.embedded = embedded;
    }

    @Override
    public String decode(String secret) {
        String where = "expression ${" + CofferSecretKeysHandlerFactory.NAME + "::" + printable(secret) + "}";
        SecretMapping reference = SecretMapping.reference(where, where, secret);
        return cache(where).valueOf(reference);
    }

    @Override
    public String getName() {
        return CofferSecretKeysHandlerFactory.NAME;
    }

    private SecretCache cache(String where) {
        SecretCache c = cache;
        if (c != null) {
            return c;
        }
        synchronized (this) {
            if (cache == null) {
                cache = acquire(where);
            }
            return cache;
        }
    }

    private SecretCache acquire(String where) {
        Settings settings = settingsReader.get();
        Optional<String> build = BuildPhase.current();
        if (build.isPresent()) {
            // As the ConfigSource: whatever a build reads may be recorded into its output.
            throw new CofferConfigException(ErrorCode.INVALID_ARGUMENT, where + " is not resolved during the "
                    + build.get() + ": secrets are for the running application only");
        }
        if (!settings.enabled()) {
            throw new IllegalArgumentException(where + " cannot be resolved: " + Settings.URL + " is not set");
        }
        CacheRegistry.Lease lease;
        if (settings.embedded()) {
            EmbeddedSecrets provider = embedded != null ? embedded
                    : Transports.findEmbedded(Thread.currentThread().getContextClassLoader());
            Object identity = embedded != null ? embedded : provider.getClass().getName(); // as the ConfigSource keys it
            lease = CacheRegistry.acquire(settings, identity, () -> Transports.embedded(provider));
        } else {
            lease = CacheRegistry.acquire(settings, null, () -> Transports.remote(settings));
        }
        CLEANER.register(this, lease); // the lease does not reference this handler
        LOG.fine(() -> "Coffer: ${coffer::...} expressions resolve through the cache of " + settings.url());
        return lease.cache();
    }

    private static String printable(String s) {
        return dev.coffer.spi.internal.Messages.printable(s == null ? "" : s);
    }
}
