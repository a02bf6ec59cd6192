package dev.coffer.jdbi.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * A bounded cache of values loaded from the database, each tagged with the policy generation of
 * its tenant at the moment it was read (in the same statement as the value), or on embedded H2
 * with the {@link LocalChanges} stamp taken before the read. A value is only handed out for the
 * generation it was loaded at: the caller reads the current generation first (one primary-key
 * lookup, or the stamp) and asks with it, so a change committed anywhere since the load makes
 * the entry unusable.
 *
 * <p>Offers are compare-and-set: an entry is replaced only by a value of the same or a newer
 * generation, so a slow reload that started before a change and finishes after a faster one never
 * puts the older state back. (A tenant's generation only grows: each is a new value of one
 * sequence, set under the tenant row's lock, which the next change waits for.)
 *
 * @param <K> what a value is cached by (a tenant, or a tenant and a principal)
 * @param <V> the value
 */
public final class GenerationCache<K, V> {
    private record Entry<V>(long generation, V value) {}

    private final Cache<K, Entry<V>> cache;

    /**
     * A cache holding values of at most {@code maximumWeight} in total, each weighing one plus what
     * {@code weight} says (the number of policies or grants it holds), so neither many tenants nor
     * one tenant with many policies makes it grow without bound.
     */
    public GenerationCache(long maximumWeight, ToIntFunction<V> weight) {
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maximumWeight)
                .weigher((K key, Entry<V> entry) -> 1 + Math.max(0, weight.applyAsInt(entry.value())))
                // Eviction runs on the calling thread: no pool thread is started for a cache this small.
                .executor(Runnable::run)
                .build();
    }

    /** The value cached for {@code key} if it was loaded at {@code generation}. */
    public Optional<V> at(K key, long generation) {
        Entry<V> entry = cache.getIfPresent(key);
        return entry != null && entry.generation() == generation ? Optional.of(entry.value()) : Optional.empty();
    }

    /** Caches {@code value}, loaded at {@code generation}, unless a value of a newer generation is cached. */
    public void offer(K key, long generation, V value) {
        Entry<V> offered = new Entry<>(generation, value);
        cache.asMap().merge(key, offered, (cached, fresh) -> cached.generation() > fresh.generation() ? cached : fresh);
    }

    /**
     * On a database only this JVM writes: the value cached for {@code key} if nothing changed since
     * it was loaded and {@code usable} accepts it; otherwise {@code load}'s answer, cached when no
     * change began or was under way while it loaded (the protocol of {@link LocalChanges}).
     *
     * @param load reads the value from the database; {@code null} when there is nothing to cache
     * @return the value, or {@code null} when {@code load} found nothing
     */
    public V local(LocalChanges changes, K key, Predicate<V> usable, Supplier<V> load) {
        long stamp = changes.stamp();
        Optional<V> cached = at(key, stamp).filter(usable);
        if (cached.isPresent()) {
            return cached.get();
        }
        V loaded = load.get();
        if (loaded != null && changes.isCurrent(stamp)) {
            offer(key, stamp, loaded);
        }
        return loaded;
    }

    /** How many entries are cached now (for tests and metrics). */
    public long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
