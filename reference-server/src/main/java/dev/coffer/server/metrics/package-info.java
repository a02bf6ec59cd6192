/**
 * Measurements on Micrometer: the {@link dev.coffer.server.metrics.Metrics} registry (JVM and
 * process binders, Prometheus text exposition), decorators around the SPIs and the
 * {@link dev.coffer.spi.SecretManager} that time and count Coffer's work, the HTTP server's
 * request, connection and thread-pool meters ({@link dev.coffer.server.metrics.HttpServerMetrics}),
 * and HikariCP's pool meters ({@link dev.coffer.server.metrics.PoolMetrics}). Tags are fixed words,
 * error codes and pool names only: never a value, a path, an id or a principal.
 */
package dev.coffer.server.metrics;
