package dev.coffer.server.metrics;

import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;

/**
 * HikariCP's own Micrometer tracker for the database pools ({@code hikaricp_connections_*}, tagged
 * with the pool name, {@code coffer-main} or {@code coffer-keys}), handed to secrets-jdbi through
 * its Hikari hook so that module needs no metrics library.
 *
 * <pre>{@code
 * DatabaseConfig config = DatabaseConfig.h2File(dir).toBuilder().metricsTrackerFactory(PoolMetrics.tracker(metrics)).build();
 * }</pre>
 */
public final class PoolMetrics {
    private PoolMetrics() {}

    /** The tracker factory that registers each pool's meters in {@code metrics}. */
    public static MetricsTrackerFactory tracker(Metrics metrics) {
        return new MicrometerMetricsTrackerFactory(metrics.registry());
    }
}
