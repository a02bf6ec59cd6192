package dev.coffer.config;

import dev.coffer.config.cache.CacheRegistry;
import dev.coffer.config.cache.SecretCache;
import dev.coffer.config.internal.BuildPhase;
import dev.coffer.config.internal.StartupReport;
import dev.coffer.config.internal.Transports;
import dev.coffer.config.settings.Bootstrap;
import dev.coffer.config.settings.Settings;
import java.lang.ref.Cleaner;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * A MicroProfile {@link ConfigSource} that serves Coffer secrets as configuration properties from
 * a shared cache. Registered through {@code META-INF/services/org.eclipse.microprofile.config.spi.ConfigSource};
 * an application adds the jar and three settings, and reads secrets with {@code @ConfigProperty}:
 *
 * <pre>{@code
 * # system properties, environment variables or META-INF/microprofile-config.properties
 * coffer.url=http://coffer.internal:8480/
 * coffer.token-file=/var/run/secrets/coffer/token
 * coffer.map.db.password=prod/payments/db-password
 *
 * @Inject @ConfigProperty(name = "db.password") String dbPassword;
 * }</pre>
 *
 * <p>Behaviour:
 * <ul>
 *   <li>Only mapped names ({@code coffer.map.*}) and, with {@code coffer.prefix}, the listed
 *       secrets of {@code coffer.environment} are known; any other name is answered {@code null}
 *       locally, without a call.</li>
 *   <li>Mapped properties are required: they are fetched when the (shared) cache is created, and
 *       the constructor throws {@link CofferConfigException} naming every property and path that
 *       could not be fetched within {@code coffer.startup.timeout}.</li>
 *   <li>{@link #getValue} throws {@link CofferConfigException} (fail closed) for a revoked
 *       property and for one whose cached value outlived {@code coffer.cache.max-stale}; SmallRye
 *       Config passes that exception to the caller (tested) rather than falling back to a lower
 *       source.</li>
 *   <li>Canary instances map {@code #next} ({@code coffer.map.db.password=prod/payments/db-password#next}):
 *       while a rotation waits in its canary period they get the pending value; while alias
 *       {@code next} is not set (before any rotation, and from the moment a rotation promotes) they
 *       get {@code current}, so promotion does not break them. The fallback is only for an unset
 *       {@code next}: a disabled or destroyed {@code next} version, a deleted secret or withdrawn
 *       access fail closed as for every mapping. The next refresh after {@code next} appears or
 *       disappears serves the change; {@link CofferStats#nextFallbacks()} counts the fallbacks.
 *       See {@link dev.coffer.config.settings.SecretMapping}.</li>
 *   <li>Without {@code coffer.url} the source is inert: no properties, no threads.</li>
 *   <li>Built during a framework's build (Quarkus augmentation, see {@link BuildPhase}) the source is
 *       inert too, so no secret can be recorded into the build output; it serves at runtime.</li>
 *   <li>On start it logs once which server and principal it uses and where each setting came from
 *       ({@code environment variable COFFER_TOKEN_FILE}, a properties file, ...), never a value or token.</li>
 * </ul>
 * See {@link SecretCache} for the cache policy and {@link Settings} for every setting.
 */
public final class CofferConfigSource implements ConfigSource, AutoCloseable {
    private static final Logger LOG = Logger.getLogger("dev.coffer.config");
    private static final ThreadLocal<Boolean> CONSTRUCTING = new ThreadLocal<>();
    private static final AtomicBoolean INERT_LOGGED = new AtomicBoolean();
    private static final AtomicBoolean BUILD_LOGGED = new AtomicBoolean();

    private final String name;
    private final int ordinal;
    private final SecretCache cache;
    // Gives the cache lease back: when this source is closed, or else when it is garbage.
    private final Cleaner.Cleanable release;

    /**
     * The constructor {@link java.util.ServiceLoader} uses: settings from system properties,
     * environment variables and {@code META-INF/microprofile-config.properties} of the thread's
     * context class loader.
     *
     * @throws CofferConfigException when a required secret cannot be fetched at startup
     * @throws IllegalArgumentException when a setting is malformed (the message names it)
     */
    public CofferConfigSource() {
        this(null, null, null);
    }

    /**
     * A source with settings read from explicit bootstrap sources (tests, embedding), reported with
     * their origins like those of the {@link java.util.ServiceLoader} constructor.
     */
    public CofferConfigSource(Bootstrap sources) {
        this(null, null, java.util.Objects.requireNonNull(sources, "sources"));
    }

    /**
     * A source with explicit settings; with {@code coffer.url=embedded} the
     * {@link EmbeddedSecrets} is found through {@link java.util.ServiceLoader}.
     */
    public CofferConfigSource(Settings settings) {
        this(java.util.Objects.requireNonNull(settings, "settings"), null, null);
    }

    /** A source with explicit settings over an explicit embedded provider ({@code url} must be {@code embedded}). */
    public CofferConfigSource(Settings settings, EmbeddedSecrets embedded) {
        this(java.util.Objects.requireNonNull(settings, "settings"), java.util.Objects.requireNonNull(embedded, "embedded"), null);
    }

    /** Exactly one of {@code given} (code) and {@code sources} (bootstrap) is set, or neither (read the JVM's). */
    private CofferConfigSource(Settings given, EmbeddedSecrets embedded, Bootstrap sources) {
        if (CONSTRUCTING.get() != null) {
            // Built again while building (an EmbeddedSecrets reading ConfigProvider): stay inert, no recursion.
            LOG.fine("Coffer ConfigSource constructed re-entrantly; this nested instance is inert");
            this.name = "CofferConfigSource[inert: re-entered]";
            this.ordinal = Settings.DEFAULT_ORDINAL;
            this.cache = null;
            this.release = null;
            return;
        }
        Optional<String> build = BuildPhase.current();
        if (build.isPresent()) {
            // Whatever a build reads may be recorded into its output; secrets are for the running application only.
            if (BUILD_LOGGED.compareAndSet(false, true)) {
                LOG.info("Coffer ConfigSource is inert during the " + build.get() + ": secrets are read when the "
                        + "application starts, never handed to the build, so none can be recorded into its output");
            }
            this.name = "CofferConfigSource[inert: build time]";
            this.ordinal = Settings.DEFAULT_ORDINAL;
            this.cache = null;
            this.release = null;
            return;
        }
        CONSTRUCTING.set(Boolean.TRUE);
        try {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            Bootstrap read = given != null ? null : sources != null ? sources : Bootstrap.load(loader);
            Settings settings = read != null ? Settings.from(read) : given;
            Function<String, Optional<String>> origin = read != null ? read::origin : key -> Optional.of("settings given in code");
            this.ordinal = settings.ordinal();
            if (!settings.enabled()) {
                if (INERT_LOGGED.compareAndSet(false, true)) {
                    LOG.info("Coffer ConfigSource is inert: " + Settings.URL + " is not set");
                }
                this.name = "CofferConfigSource[inert]";
                this.cache = null;
                this.release = null;
                return;
            }
            this.name = "CofferConfigSource[" + settings.url() + "]";
            CacheRegistry.Lease lease;
            if (settings.embedded()) {
                EmbeddedSecrets provider = embedded != null ? embedded : Transports.findEmbedded(loader);
                Object identity = embedded != null ? embedded : provider.getClass().getName();
                StartupReport.embedded(LOG, settings, origin, provider.context().principal(), provider.getClass().getName());
                lease = CacheRegistry.acquire(settings, identity, () -> Transports.embedded(provider));
            } else {
                if (embedded != null) {
                    throw new IllegalArgumentException("an EmbeddedSecrets was given but " + Settings.URL + " is " + settings.url());
                }
                StartupReport.remote(LOG, settings, origin);
                lease = CacheRegistry.acquire(settings, null, () -> Transports.remote(settings));
            }
            this.cache = lease.cache();
            this.release = Cleaners.CLEANER.register(this, lease); // the lease does not reference this source
        } finally {
            CONSTRUCTING.remove();
        }
    }

    /**
     * Gives this source's share of its cache back; the last source of a cache stops its refresh
     * threads. Values read since stay as cached. Idempotent. (Sources with the same settings share
     * one cache, and a MicroProfile Config implementation may build several: to stop everything
     * when an application stops, use {@link #closeAll()}.)
     */
    @Override
    public void close() {
        if (release != null) {
            release.clean();
        }
    }

    /**
     * Stops the refresh threads of every Coffer ConfigSource of this copy of the library (on an
     * application server: of this application, whose class loader loaded it), whatever sources
     * still use them. Call it as the application stops: an application server does not close
     * config sources, and without this the refresh threads run on until the sources are garbage
     * collected, loading classes from the stopped application's deleted jars (Liberty logs
     * {@code CWWKL0002E}). For example, from a {@code ServletContextListener}:
     *
     * <pre>{@code
     * @WebListener
     * public class StopCofferConfig implements ServletContextListener {
     *     public void contextDestroyed(ServletContextEvent event) {
     *         CofferConfigSource.closeAll();
     *     }
     * }
     * }</pre>
     */
    public static void closeAll() {
        CacheRegistry.closeAll();
    }

    /** Every property this source serves: mapped names and listed prefix names. Reads no value. */
    @Override
    public Set<String> getPropertyNames() {
        return cache == null ? Set.of() : cache.names();
    }

    /**
     * The property's value from the cache; {@code null} for a name this source does not serve.
     *
     * @throws CofferConfigException when the property is revoked or past max-stale (never containing the value)
     */
    @Override
    public String getValue(String propertyName) {
        return cache == null ? null : cache.value(propertyName);
    }

    /**
     * A live view of every property and value. Its {@code toString()} prints names only, so a
     * framework that logs a source's properties does not log secrets.
     */
    @Override
    public Map<String, String> getProperties() {
        return cache == null ? Map.of() : new RedactedView(cache);
    }

    @Override
    public int getOrdinal() {
        return ordinal;
    }

    @Override
    public String getName() {
        return name;
    }

    /** This source's cache counters (shared with every source of equal settings); zero when inert. */
    public CofferStats stats() {
        return cache == null ? CofferStats.ZERO : cache.stats();
    }

    /** The sum of the counters of every Coffer cache of this class loader. */
    public static CofferStats totalStats() {
        return CacheRegistry.total();
    }

    @Override
    public String toString() {
        return name;
    }

    /** One daemon Cleaner, created with the first non-inert source. */
    private static final class Cleaners {
        static final Cleaner CLEANER = Cleaner.create(r -> {
            Thread t = new Thread(r, "coffer-config-cleaner");
            t.setDaemon(true);
            t.setContextClassLoader(null);
            return t;
        });
    }

    /** Properties as a map whose {@code toString()} never shows values. */
    private static final class RedactedView extends AbstractMap<String, String> {
        private final SecretCache cache;

        RedactedView(SecretCache cache) {
            this.cache = cache;
        }

        @Override
        public String get(Object key) {
            return key instanceof String k ? cache.value(k) : null;
        }

        @Override
        public boolean containsKey(Object key) {
            return cache.names().contains(key);
        }

        @Override
        public Set<Entry<String, String>> entrySet() {
            Set<String> names = cache.names();
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, String>> iterator() {
                    Iterator<String> it = names.iterator();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return it.hasNext();
                        }

                        @Override
                        public Entry<String, String> next() {
                            String k = it.next();
                            return new SimpleImmutableEntry<>(k, cache.value(k)) {
                                @Override
                                public String toString() {
                                    return k + "=<redacted>";
                                }
                            };
                        }
                    };
                }

                @Override
                public int size() {
                    return names.size();
                }
            };
        }

        @Override
        public String toString() {
            return "{" + String.join("=<redacted>, ", cache.names()) + (cache.names().isEmpty() ? "" : "=<redacted>") + "}";
        }
    }
}
