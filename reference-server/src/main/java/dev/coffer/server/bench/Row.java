package dev.coffer.server.bench;

/**
 * One line of the report.
 *
 * @param key what the ratios look the row up by ({@link Report}'s {@code KEY_*}), or null
 * @param name what the row measures
 * @param connections the connection (or client) count, as printed
 * @param perSecond reads (or pgbench transactions) per second
 * @param p50Ms median latency, NaN when not measured
 * @param p99Ms 99th percentile latency, NaN when not measured
 * @param serverMs server CPU per read in ms, NaN when not measured
 * @param dbMs database CPU per read in ms, NaN when not measured
 * @param driverMs load driver CPU per read in ms, NaN when not measured
 * @param note what else was measured (lock waits, commits), or empty
 * @param failure why the row does not count (errors in the window, a step that failed), or null
 */
public record Row(String key, String name, String connections, double perSecond, double p50Ms, double p99Ms, double serverMs, double dbMs,
        double driverMs, String note, String failure) {
    /** A row that could not be measured at all. */
    public static Row failed(String key, String name, String connections, String failure) {
        return new Row(key, name, connections, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, "", failure);
    }

    /** Whether the row's figures count. */
    public boolean ok() {
        return failure == null;
    }

    /** This row with {@code more} appended to its note. */
    public Row withNote(String more) {
        return new Row(key, name, connections, perSecond, p50Ms, p99Ms, serverMs, dbMs, driverMs,
                note.isEmpty() ? more : note + "; " + more, failure);
    }
}
