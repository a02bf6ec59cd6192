/**
 * Measurements without a metrics library: counters and latency histograms in a
 * {@link dev.coffer.server.metrics.Metrics} registry, written in the Prometheus text format, and
 * decorators around the SPIs and the {@link dev.coffer.spi.SecretManager} that feed them. Labels
 * are fixed words and error codes only — never a value, a path or a principal.
 */
package dev.coffer.server.metrics;
