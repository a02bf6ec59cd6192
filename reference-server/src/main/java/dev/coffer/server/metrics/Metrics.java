package dev.coffer.server.metrics;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The server's metrics and their Prometheus text exposition.
 *
 * <pre>{@code
 * Metrics metrics = new Metrics();
 * metrics.histogram("coffer_read_seconds", "Latency of reads", "").observeNanos(elapsed);
 * String text = metrics.prometheusText();
 * }</pre>
 *
 * <p>A series is a name plus a fixed label set written as Prometheus labels ({@code outcome="success"}).
 * Callers pass only fixed words and error codes as label values.
 */
public final class Metrics {
    private final ConcurrentMap<String, Family<Counter>> counters = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Family<Histogram>> histograms = new ConcurrentHashMap<>();

    /** The counter {@code name{labels}}, created on first use. */
    public Counter counter(String name, String help, String labels) {
        return counters.computeIfAbsent(name, n -> new Family<>(help)).series.computeIfAbsent(labels, l -> new Counter());
    }

    /** The histogram {@code name{labels}}, created on first use. */
    public Histogram histogram(String name, String help, String labels) {
        return histograms.computeIfAbsent(name, n -> new Family<>(help)).series.computeIfAbsent(labels, l -> new Histogram());
    }

    /** Everything, in the Prometheus text format 0.0.4. */
    public String prometheusText() {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(counters).forEach((name, family) -> {
            header(out, name, family.help, "counter");
            new TreeMap<>(family.series).forEach((labels, c) -> out.append(name).append(braces(labels)).append(' ')
                    .append(c.count()).append('\n'));
        });
        new TreeMap<>(histograms).forEach((name, family) -> {
            header(out, name, family.help, "histogram");
            new TreeMap<>(family.series).forEach((labels, h) -> histogram(out, name, labels, h));
        });
        return out.toString();
    }

    private static void histogram(StringBuilder out, String name, String labels, Histogram h) {
        String prefix = labels.isEmpty() ? "" : labels + ",";
        for (int i = 0; i < Histogram.BOUNDS.length; i++) {
            out.append(name).append("_bucket{").append(prefix).append("le=\"").append(format(Histogram.BOUNDS[i])).append("\"} ")
                    .append(h.cumulative(i)).append('\n');
        }
        out.append(name).append("_bucket{").append(prefix).append("le=\"+Inf\"} ").append(h.count()).append('\n');
        out.append(name).append("_sum").append(braces(labels)).append(' ').append(format(h.sumSeconds())).append('\n');
        out.append(name).append("_count").append(braces(labels)).append(' ').append(h.count()).append('\n');
    }

    private static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static String braces(String labels) {
        return labels.isEmpty() ? "" : "{" + labels + "}";
    }

    private static String format(double d) {
        return String.format(Locale.ROOT, "%s", d);
    }

    private static final class Family<T> {
        final String help;
        final Map<String, T> series = new ConcurrentHashMap<>();

        Family(String help) {
            this.help = help;
        }
    }
}
