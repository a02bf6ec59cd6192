package dev.coffer.server.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The run's Markdown: a header with the machine and the settings, one table with every row, and the
 * ratios issue 16 defines (both at 16 connections): PostgreSQL audited reads/s / the pgbench
 * select+insert ceiling, H2 audited reads/s / the 401 floor; with {@code --large}, the p50 and p99 at
 * the large count / at the normal count.
 */
public final class Report {
    /** H2 audited reads at 16 connections. */
    public static final String KEY_H2 = "h2-16";
    /** The 401 floor at 16 connections. */
    public static final String KEY_FLOOR = "floor-16";
    /** PostgreSQL audited reads at 16 connections. */
    public static final String KEY_PG = "pg-16";
    /** The pgbench ceiling at 16 clients. */
    public static final String KEY_PGBENCH = "pgbench-16";
    /** Random reads over the normal secret count, 1 connection. */
    public static final String KEY_SMALL = "random-small";
    /** Random reads over the large secret count, 1 connection. */
    public static final String KEY_LARGE = "random-large";

    private final List<String> header;
    private final List<Row> rows;

    /**
     * @param header lines above the table (machine, settings), printed as a list
     * @param rows every row, in order
     */
    public Report(List<String> header, List<Row> rows) {
        this.header = List.copyOf(header);
        this.rows = List.copyOf(rows);
    }

    /** The rows. */
    public List<Row> rows() {
        return rows;
    }

    /** The rows that failed. */
    public List<Row> failures() {
        return rows.stream().filter(r -> !r.ok()).toList();
    }

    /** {@code numerator / denominator} of the rows' per-second figures; empty unless both rows are there and counted. */
    public Optional<Double> throughputRatio(String numerator, String denominator) {
        return ratio(row(numerator).map(Row::perSecond), row(denominator).map(Row::perSecond));
    }

    /** The large-count latency over the normal-count latency, p50 ({@code p99 == false}) or p99. */
    public Optional<Double> latencyRatio(boolean p99) {
        return ratio(row(KEY_LARGE).map(r -> p99 ? r.p99Ms() : r.p50Ms()), row(KEY_SMALL).map(r -> p99 ? r.p99Ms() : r.p50Ms()));
    }

    private Optional<Row> row(String key) {
        return rows.stream().filter(r -> key.equals(r.key()) && r.ok()).findFirst();
    }

    /** A ratio of two measured figures: empty when one is missing, not a number, or the denominator is not positive. */
    static Optional<Double> ratio(Optional<Double> numerator, Optional<Double> denominator) {
        if (numerator.isEmpty() || denominator.isEmpty()) {
            return Optional.empty();
        }
        double n = numerator.get();
        double d = denominator.get();
        if (Double.isNaN(n) || Double.isNaN(d) || d <= 0) {
            return Optional.empty();
        }
        return Optional.of(n / d);
    }

    /** The whole report. */
    public String markdown() {
        StringBuilder md = new StringBuilder("## coffer bench\n\n");
        for (String line : header) {
            md.append("- ").append(line).append('\n');
        }
        md.append("\n| row | connections | reads/s | p50 ms | p99 ms | CPU/read server ms | CPU/read db ms | CPU/read driver ms | notes |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Row r : rows) {
            String note = r.ok() ? r.note() : "**FAILED: " + r.failure() + "**" + (r.note().isEmpty() ? "" : "; " + r.note());
            md.append("| ").append(r.name()).append(" | ").append(r.connections()).append(" | ").append(number(r.perSecond(), 0))
                    .append(" | ").append(number(r.p50Ms(), 2)).append(" | ").append(number(r.p99Ms(), 2))
                    .append(" | ").append(number(r.serverMs(), 3)).append(" | ").append(number(r.dbMs(), 3))
                    .append(" | ").append(number(r.driverMs(), 3)).append(" | ").append(note.replace("|", "/")).append(" |\n");
        }
        md.append("\nRatios (16 connections):\n\n");
        md.append("- PostgreSQL audited reads/s / pgbench select+insert ceiling: ")
                .append(ratioText(throughputRatio(KEY_PG, KEY_PGBENCH))).append(" (goal >= 0.5)\n");
        md.append("- H2 audited reads/s / 401 floor: ").append(ratioText(throughputRatio(KEY_H2, KEY_FLOOR))).append(" (goal >= 0.5)\n");
        if (rows.stream().anyMatch(r -> KEY_LARGE.equals(r.key()))) {
            md.append("- read latency, large / normal secret count: p50 ").append(ratioText(latencyRatio(false)))
                    .append(", p99 ").append(ratioText(latencyRatio(true))).append(" (goal within 1.5)\n");
        }
        List<Row> failed = failures();
        if (!failed.isEmpty()) {
            md.append("\n**").append(failed.size()).append(" row(s) FAILED**: ");
            List<String> names = new ArrayList<>();
            failed.forEach(r -> names.add(r.name() + " (" + r.connections() + ")"));
            md.append(String.join(", ", names)).append('\n');
        }
        return md.toString();
    }

    private static String ratioText(Optional<Double> ratio) {
        return ratio.map(r -> String.format(Locale.ROOT, "%.2f", r)).orElse("n/a (a row is missing or failed)");
    }

    /** A figure with {@code decimals} decimals and thousands separators; "—" when not measured. */
    static String number(double value, int decimals) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "—";
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }
}
