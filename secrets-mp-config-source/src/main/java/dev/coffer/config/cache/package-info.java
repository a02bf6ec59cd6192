/**
 * The shared cache of the ConfigSource: {@link dev.coffer.config.cache.SecretCache} (policy, refresh
 * thread, startup), {@link dev.coffer.config.cache.CacheRegistry} (one cache per settings, shared
 * by every source instance) and {@link dev.coffer.config.cache.Fetcher}, the transport it reads through.
 */
package dev.coffer.config.cache;
