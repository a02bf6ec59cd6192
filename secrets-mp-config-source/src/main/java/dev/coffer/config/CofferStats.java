package dev.coffer.config;

/**
 * A snapshot of a Coffer cache's counters. Counts only, never names or values.
 *
 * <pre>{@code
 * CofferStats stats = CofferConfigSource.totalStats();
 * metrics.gauge("coffer.config.stale", stats.staleServes());
 * }</pre>
 *
 * @param hits values served fresh from the cache
 * @param misses values fetched because none was cached (startup, first read of a prefix name)
 * @param refreshes successful background refreshes
 * @param refreshFailures background refreshes that failed for a transient reason (outage, timeout, 5xx)
 * @param staleServes values served past their freshness because refreshes failed
 * @param revocations entries that stopped serving because their version was disabled or destroyed,
 *     the secret deleted, or access revoked
 * @param nextFallbacks fetches of a {@code #next} mapping (a canary instance) answered with
 *     {@code current} because alias {@code next} was not set (no rotation waiting in its canary)
 * @param changeEvents events received on the change stream (changes and resets), whether or not
 *     they concerned a cached entry
 * @param streamReconnects times the change stream was opened again after it dropped or was refused
 */
public record CofferStats(long hits, long misses, long refreshes, long refreshFailures, long staleServes, long revocations,
        long nextFallbacks, long changeEvents, long streamReconnects) {
    /** All zero. */
    public static final CofferStats ZERO = new CofferStats(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** The sum of this and {@code other}. */
    public CofferStats plus(CofferStats other) {
        return new CofferStats(hits + other.hits, misses + other.misses, refreshes + other.refreshes,
                refreshFailures + other.refreshFailures, staleServes + other.staleServes, revocations + other.revocations,
                nextFallbacks + other.nextFallbacks, changeEvents + other.changeEvents,
                streamReconnects + other.streamReconnects);
    }
}
