package dev.coffer.server.agent;

import dev.coffer.config.settings.Settings;
import java.time.Duration;

/**
 * The cache rules of the agent ({@code cache:} in the config), those of the ConfigSource.
 *
 * @param ttl how long a fetched value is fresh (default 60s); also the period of the safety re-render
 * @param jitter up to this much is added at random to each entry's ttl (default 15s)
 * @param maxStale how long past its freshness a value is still served while the server is unreachable (default 15m)
 * @param watch whether the cache follows the server's change stream (default true; false: ttl polling only)
 */
public record CachePolicy(Duration ttl, Duration jitter, Duration maxStale, boolean watch) {
    /** The ConfigSource's defaults. */
    public static final CachePolicy DEFAULTS = new CachePolicy(Settings.DEFAULT_TTL, Settings.DEFAULT_JITTER, Settings.DEFAULT_MAX_STALE, true);
}
