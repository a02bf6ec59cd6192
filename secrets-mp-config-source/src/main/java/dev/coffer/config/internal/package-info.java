/**
 * Not API: the two transports of the ConfigSource ({@code remote} over
 * {@link dev.coffer.config.remote.RemoteSecretManager}, {@code embedded} over an
 * {@link dev.coffer.config.EmbeddedSecrets}) as {@link dev.coffer.config.cache.Fetcher}s. May change freely.
 */
package dev.coffer.config.internal;
