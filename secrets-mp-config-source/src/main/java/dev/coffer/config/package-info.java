/**
 * A MicroProfile ConfigSource that serves Coffer secrets from a shared cache with background
 * refresh, stale-on-outage and fail-closed revocation: {@link dev.coffer.config.CofferConfigSource},
 * its counters {@link dev.coffer.config.CofferStats}, its exception
 * {@link dev.coffer.config.CofferConfigException} and the embedded transport's
 * {@link dev.coffer.config.EmbeddedSecrets}. Settings live in {@code settings}, the cache in
 * {@code cache}, the HTTP client of the reference server in {@code remote}.
 */
package dev.coffer.config;
