package dev.coffer.server.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ceiling of PostgreSQL on this machine for what an audited read must do at least: one SELECT by
 * key of a 300-byte row and one 300-byte INSERT, committed. A table of N keyed rows in the run's
 * database, a pgbench script of those two statements, and
 * {@code pgbench -n -M prepared -c16 -j2 -T<seconds>} over TCP; the figure is pgbench's {@code tps}.
 */
final class PgBench {
    private static final Pattern TPS = Pattern.compile("(?m)^tps = ([\\d.]+)");

    private final Path pgbench;
    private final Postgres.Database database;
    private final Path dir;
    private final int rows;

    PgBench(Path pgbench, Postgres.Database database, Path dir, int rows) {
        this.pgbench = pgbench;
        this.database = database;
        this.dir = dir;
        this.rows = rows;
    }

    /** Creates the two tables (apart from Coffer's) and fills the keyed one. */
    void prepare() throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE bench_kv (k integer PRIMARY KEY, v text NOT NULL)");
            s.execute("CREATE TABLE bench_log (id bigserial PRIMARY KEY, k integer NOT NULL, v text NOT NULL)");
            s.execute("INSERT INTO bench_kv SELECT g, substr(repeat(md5(g::text), 10), 1, 300) FROM generate_series(1, " + rows + ") g");
            s.execute("VACUUM ANALYZE bench_kv");
        }
    }

    /** The pgbench script. */
    String script() {
        return "\\set k random(1, " + rows + ")\n"
                + "SELECT v FROM bench_kv WHERE k = :k;\n"
                + "INSERT INTO bench_log (k, v) VALUES (:k, repeat('x', 300));\n";
    }

    /**
     * Runs pgbench for {@code duration}; returns its tps and its own CPU time (from bash's {@code times}).
     *
     * @param clients pgbench's {@code -c}
     */
    Outcome run(int clients, Duration duration, String password) throws InterruptedException {
        Path script = null;
        try {
            script = Files.createTempFile(dir, "pgbench", ".sql");
            Files.writeString(script, script(), StandardCharsets.UTF_8);
            String[] hostPort = database.server().hostPort();
            long seconds = Math.max(1, duration.toSeconds());
            List<String> command = List.of("bash", "-c", "\"$0\" \"$@\"; status=$?; times; exit $status", pgbench.toString(),
                    "-n", "-M", "prepared", "-c" + clients, "-j2", "-T" + seconds, "-f", script.toString(),
                    "-h", hostPort[0], "-p", hostPort[1], "-U", database.server().user(), database.name());
            Map<String, String> env = new HashMap<>();
            if (password != null) {
                env.put("PGPASSWORD", password);
            }
            String out = ChildOutput.run(command, dir, Duration.ofSeconds(seconds + 60), env);
            return new Outcome(tps(out), WrkOutput.childrenCpuMs(out));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the pgbench script: " + e.getMessage(), e);
        } finally {
            if (script != null) {
                try {
                    Files.deleteIfExists(script);
                } catch (IOException e) {
                    // Removed with the private directory.
                }
            }
        }
    }

    /** pgbench's {@code tps = ...} line. */
    static double tps(String out) {
        Matcher m = TPS.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("pgbench printed no tps line");
        }
        return Double.parseDouble(m.group(1));
    }

    /**
     * @param tps transactions per second
     * @param cpuMs pgbench's own CPU time over the run
     */
    record Outcome(double tps, double cpuMs) {}
}
