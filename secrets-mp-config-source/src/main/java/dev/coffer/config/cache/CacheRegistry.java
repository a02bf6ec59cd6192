package dev.coffer.config.cache;

import dev.coffer.config.CofferStats;
import dev.coffer.config.settings.Settings;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The caches of this class loader, one per effective settings and transport, so that every
 * ConfigSource instance with the same settings (SmallRye builds a Config more than once, an
 * application may build several) shares one cache and one refresh thread.
 *
 * <p>Reference-counted: each source holds a {@link Lease} and releases it when it becomes
 * unreachable (a {@link java.lang.ref.Cleaner} in the source); the last release stops the refresh
 * thread, so an undeployed application leaves no thread behind that would pin its class loader.
 * Creation (with its startup fetch) happens under the registry's lock, so concurrent sources with
 * the same settings wait for the one startup instead of starting a second.
 */
public final class CacheRegistry {
    /** The settings plus whatever else distinguishes a transport (the embedded provider). */
    private record Key(Settings settings, Object transport) {}

    private static final class Shared {
        final SecretCache cache;
        int references;

        Shared(SecretCache cache) {
            this.cache = cache;
        }
    }

    private static final Map<Key, Shared> CACHES = new HashMap<>();

    private CacheRegistry() {}

    /**
     * Closes every cache of this class loader now, whatever leases are still out: for an
     * application that stops (its sources may not be garbage yet). Leases released later do nothing.
     */
    public static void closeAll() {
        synchronized (CacheRegistry.class) {
            for (Shared shared : CACHES.values()) {
                shared.cache.close();
            }
            CACHES.clear();
        }
    }

    /** A counted reference to a shared cache; {@link #release()} exactly once. */
    public static final class Lease implements Runnable {
        private final Key key;
        private final SecretCache cache;
        private boolean released;

        private Lease(Key key, SecretCache cache) {
            this.key = key;
            this.cache = cache;
        }

        public SecretCache cache() {
            return cache;
        }

        /** Gives the reference back; the last one closes the cache. Idempotent. */
        public void release() {
            synchronized (CacheRegistry.class) {
                if (released) {
                    return;
                }
                released = true;
                Shared shared = CACHES.get(key);
                if (shared != null && shared.cache == cache && --shared.references == 0) {
                    CACHES.remove(key);
                    cache.close();
                }
            }
        }

        @Override
        public void run() {
            release();
        }
    }

    /**
     * The cache for {@code settings} and {@code transport}, started with {@code fetcher} when none
     * exists yet.
     *
     * @param transport {@code null} for the remote transport (the settings say it all), else an
     *     object identifying the embedded provider
     * @throws dev.coffer.config.CofferConfigException when a new cache cannot start
     */
    public static synchronized Lease acquire(Settings settings, Object transport, Supplier<Fetcher> fetcher) {
        Key key = new Key(settings, transport);
        Shared shared = CACHES.get(key);
        if (shared == null) {
            shared = new Shared(SecretCache.start(settings, fetcher.get()));
            CACHES.put(key, shared);
        }
        shared.references++;
        return new Lease(key, shared.cache);
    }

    /** The sum of every live cache's counters. */
    public static synchronized CofferStats total() {
        CofferStats sum = CofferStats.ZERO;
        for (Shared s : CACHES.values()) {
            sum = sum.plus(s.cache.stats());
        }
        return sum;
    }

    /** How many caches are live (tests). */
    public static synchronized int size() {
        return CACHES.size();
    }
}
