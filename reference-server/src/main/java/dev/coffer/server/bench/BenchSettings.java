package dev.coffer.server.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one {@code coffer bench} run does; the CLI checks the bounds before it builds one.
 *
 * <pre>{@code
 * BenchSettings s = new BenchSettings(1000, List.of(1, 16, 64), Duration.ofSeconds(5), Duration.ofSeconds(20),
 *         "jdbc:postgresql://127.0.0.1:5432/", "postgres", true, 2, 0, DriverChoice.AUTO, null, null, tmp);
 * }</pre>
 *
 * @param secrets how many secrets the servers are loaded with
 * @param connections the connection counts of the audited-read rows
 * @param warmup the warm-up before every measured window
 * @param duration every measured window
 * @param pgUrl the PostgreSQL server's JDBC URL, ending in {@code /} (a database name is appended)
 * @param pgUser the PostgreSQL user
 * @param postgres whether to measure PostgreSQL (when it is reachable)
 * @param instances how many servers share one PostgreSQL database in the instances rows (1: none)
 * @param large the secret count of the latency-at-scale rows (0: not run)
 * @param driver which load driver
 * @param out where the table is written as well (null: printed only)
 * @param beforeJar an older coffer.jar measured in the same run (null: none)
 * @param tmp where the temporary directories go
 */
public record BenchSettings(int secrets, List<Integer> connections, Duration warmup, Duration duration, String pgUrl, String pgUser,
        boolean postgres, int instances, int large, DriverChoice driver, Path out, Path beforeJar, Path tmp) {
    /** The connection count of the ratio rows, the 401 floor and pgbench, as the issue defines them. */
    public static final int RATIO_CONNECTIONS = 16;

    /** Copies the list and checks that nothing required is missing. */
    public BenchSettings {
        connections = List.copyOf(connections);
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(tmp, "tmp");
    }

    /** Which load driver a run uses. */
    public enum DriverChoice {
        /** wrk when it is on the PATH, else the Java driver. */
        AUTO,
        /** wrk; an error when it is not on the PATH. */
        WRK,
        /** The JDK HttpClient driver. */
        JAVA
    }
}
