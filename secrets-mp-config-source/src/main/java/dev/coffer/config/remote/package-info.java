/**
 * The HTTP client of the reference server: {@link dev.coffer.config.remote.RemoteSecretManager},
 * a {@link dev.coffer.spi.SecretManager} over the REST API (JDK {@code HttpClient} on HTTP/1.1,
 * JSON-P), with tokens from a {@link dev.coffer.config.remote.BearerToken} such as
 * {@link dev.coffer.config.remote.TokenFileBearerToken} (a token file re-read when it changes). Shared by the
 * ConfigSource and anything else that talks to a running server.
 */
package dev.coffer.config.remote;
