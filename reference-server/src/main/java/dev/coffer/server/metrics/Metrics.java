package dev.coffer.server.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Arrays;

/**
 * The server's metrics: one Micrometer {@link PrometheusMeterRegistry} (Prometheus client_java
 * 1.x underneath) with the JVM and process binders on it, and its Prometheus text exposition.
 *
 * <pre>{@code
 * try (Metrics metrics = new Metrics()) {
 *     Metrics.latency("coffer.read", "Latency of reads").register(metrics.registry()).record(elapsed);
 *     String text = metrics.prometheusText();
 * }
 * }</pre>
 *
 * <p>Micrometer names are dotted and Prometheus-converted on the way out: counter
 * {@code coffer.denied} is {@code coffer_denied_total}, timer {@code coffer.read} is
 * {@code coffer_read_seconds_bucket|_count|_sum} plus {@code coffer_read_seconds_max}. Tag values
 * are fixed words, error codes and pool names only: never a value, a path, an id or a principal,
 * and nothing a caller chooses freely.
 */
public final class Metrics implements AutoCloseable {
    /**
     * The buckets of every Coffer latency histogram, 100 µs to 10 s, the same bounds the series had
     * before Micrometer (Micrometer's own percentile histogram would be ~70 buckets a series).
     */
    static final Duration[] LATENCY_BUCKETS = {micros(100), micros(250), micros(500), millis(1), micros(2_500), millis(5),
        millis(10), millis(25), millis(50), millis(100), millis(250), millis(500), millis(1_000), millis(2_500),
        millis(5_000), millis(10_000)};

    // The Jetty binder builds its timer itself; this gives it the same buckets as Coffer's own.
    private static final String HTTP_REQUESTS = "jetty.server.requests";
    private static final DistributionStatisticConfig LATENCY_HISTOGRAM = DistributionStatisticConfig.builder()
            .serviceLevelObjectives(Arrays.stream(LATENCY_BUCKETS).mapToDouble(Duration::toNanos).toArray()).build();

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    // One bound for the environment tag of coffer_break_glass_total, whichever part counts the kind.
    private final BoundedTagValues breakGlassEnvironments = new BoundedTagValues(MeteredAuditLog.ENVIRONMENTS);
    // One per registry: its overdue gauge is registered once, and the scheduler sets it.
    private final RotationMetrics rotation;

    /** A registry with memory, GC, thread, class-loading, CPU, file-descriptor and uptime metrics bound. */
    public Metrics() {
        // Before any meter exists: the filter shapes meters as they are registered.
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                return HTTP_REQUESTS.equals(id.getName()) ? LATENCY_HISTOGRAM.merge(config) : config;
            }
        });
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        rotation = new RotationMetrics(registry, java.time.Clock.systemUTC());
    }

    /** The rotation engine's observer on this registry ({@code coffer_rotation_*}). */
    public RotationMetrics rotation() {
        return rotation;
    }

    /** The registry, for binders (Jetty, HikariCP) and Coffer's own meters. */
    /** The environments {@code coffer_break_glass_total} names, shared by grants and reads so both agree. */
    BoundedTagValues breakGlassEnvironments() {
        return breakGlassEnvironments;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Everything, in the Prometheus text format 0.0.4. */
    public String prometheusText() {
        return registry.scrape();
    }

    /** A latency timer builder with {@link #LATENCY_BUCKETS} as its histogram buckets. */
    public static Timer.Builder latency(String name, String description) {
        return Timer.builder(name).description(description).serviceLevelObjectives(LATENCY_BUCKETS);
    }

    /** Stops the GC listener and closes the registry. */
    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    private static Duration micros(long n) {
        return Duration.ofNanos(n * 1_000);
    }

    private static Duration millis(long n) {
        return Duration.ofMillis(n);
    }
}
