package dev.coffer.server.cli;

import dev.coffer.spi.internal.Durations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code coffer bench}: one run that measures audited reads against what the machine allows (issue 16):
 * servers in child JVMs, the 401 floor and the pgbench ceiling in the same run, one Markdown table.
 * The options are checked here, each bound with its own message (exit {@link ExitCodes#USAGE});
 * everything else is in {@code dev.coffer.server.bench}.
 */
@Command(name = "bench", description = {"Measure audited reads (H2, and PostgreSQL when reachable) against the 401 floor and the "
        + "pgbench select+insert ceiling in one run; prints one Markdown table with reads/s, p50/p99, CPU per read and the ratios.",
        "Starts servers as child processes on fresh temporary data directories and databases, and stops and removes them at the end."},
        footerHeading = Coffer.EXAMPLE, footer = {"  coffer bench --duration 10s", "  coffer bench --no-pg --connections 16 --out bench.md",
            "  coffer bench --before-jar old/coffer.jar"})
final class BenchCommand implements Callable<Integer> {
    /** The most connections of one row. */
    static final int MAX_CONNECTIONS = 256;
    /** The longest window (and warm-up). */
    static final Duration MAX_DURATION = Duration.ofMinutes(10);
    /** The most secrets a server is loaded with. */
    static final int MAX_SECRETS = 1_000_000;
    /** The most connection counts of one run. */
    static final int MAX_ROWS = 8;
    /** The most servers on one PostgreSQL database. */
    static final int MAX_INSTANCES = 4;

    @Spec
    CommandSpec spec;

    @Option(names = "--secrets", defaultValue = "1000", paramLabel = "N", description = "Secrets loaded into each server (default 1000, at most 1000000)")
    int secrets;

    @Option(names = "--connections", defaultValue = "1,16,64", split = ",", paramLabel = "N",
            description = "Connection counts of the audited-read rows (default 1,16,64; each 1 to 256; the ratios need 16)")
    List<Integer> connections;

    @Option(names = "--warmup", defaultValue = "5s", paramLabel = "DURATION", description = "Warm-up before every window (default 5s, 0 to 10m)")
    String warmup;

    @Option(names = "--duration", defaultValue = "20s", paramLabel = "DURATION", description = "Every measured window (default 20s, 1s to 10m, whole seconds)")
    String duration;

    @Option(names = "--pg-url", defaultValue = "jdbc:postgresql://127.0.0.1:5432/", paramLabel = "URL",
            description = "The PostgreSQL server, ending in / (default jdbc:postgresql://127.0.0.1:5432/); password from $COFFER_DB_PASSWORD")
    String pgUrl;

    @Option(names = "--pg-user", defaultValue = "postgres", paramLabel = "USER", description = "The PostgreSQL user (default postgres)")
    String pgUser;

    @Option(names = "--no-pg", description = "Measure H2 only")
    boolean noPg;

    @Option(names = "--instances", defaultValue = "2", paramLabel = "N",
            description = "Servers sharing one PostgreSQL database, driven at once with 16/N connections each (default 2, 1 to 4; 1: none)")
    int instances;

    @Option(names = "--large", defaultValue = "0", paramLabel = "N",
            description = "Also read at random from a server of N secrets and from one of --secrets, 1 connection, and compare (default off; loading takes minutes)")
    int large;

    @Option(names = "--driver", defaultValue = "auto", paramLabel = "auto|wrk|java",
            description = "Load driver: wrk when on the PATH (auto, the default), wrk, or the Java driver")
    String driver;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the table to FILE")
    Path out;

    @Option(names = "--before-jar", paramLabel = "PATH", description = "An older coffer.jar whose H2 and PostgreSQL 16-connection rows run in the same run")
    Path beforeJar;

    @Option(names = "--tmp", paramLabel = "DIR", description = "Where the temporary directories go (default: the system's temporary directory)")
    Path tmp;

    @Override
    public Integer call() throws InterruptedException {
        return Start.bench(this);
    }

    /** The checked options, or a usage error naming the option and its bound. */
    List<Integer> checkedConnections() {
        if (connections.isEmpty() || connections.size() > MAX_ROWS) {
            throw usage("--connections takes 1 to " + MAX_ROWS + " counts, got " + connections.size());
        }
        if (new HashSet<>(connections).size() != connections.size()) {
            throw usage("--connections names a count twice: " + connections);
        }
        for (int c : connections) {
            if (c < 1 || c > MAX_CONNECTIONS) {
                throw usage("--connections must be 1 to " + MAX_CONNECTIONS + ", got " + c);
            }
        }
        return List.copyOf(connections);
    }

    Duration checkedDuration(String name, String text, Duration min) {
        Duration d;
        try {
            d = Durations.parse(name, text);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (d.compareTo(min) < 0 || d.compareTo(MAX_DURATION) > 0) {
            throw usage(name + " must be " + (min.isZero() ? "0" : min.toSeconds() + "s") + " to 10m, got " + text);
        }
        if (d.toMillis() % 1000 != 0) {
            throw usage(name + " must be whole seconds (wrk and pgbench count in seconds), got " + text);
        }
        return d;
    }

    void checkCounts() {
        if (secrets < 1 || secrets > MAX_SECRETS) {
            throw usage("--secrets must be 1 to " + MAX_SECRETS + ", got " + secrets);
        }
        if (large != 0 && (large <= secrets || large > MAX_SECRETS)) {
            throw usage("--large must be more than --secrets (" + secrets + ") and at most " + MAX_SECRETS + ", got " + large);
        }
        if (instances < 1 || instances > MAX_INSTANCES) {
            throw usage("--instances must be 1 to " + MAX_INSTANCES + ", got " + instances);
        }
        if (!pgUrl.startsWith("jdbc:postgresql://") || !pgUrl.endsWith("/")) {
            throw usage("--pg-url must be jdbc:postgresql://host:port/ (the database name is appended), got " + pgUrl);
        }
        if (!pgUser.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            throw usage("--pg-user must be a plain PostgreSQL name (letters, digits, _), got " + pgUser);
        }
        if (beforeJar != null && !Files.isRegularFile(beforeJar)) {
            throw usage("--before-jar: no such file " + beforeJar);
        }
        if (out != null && Files.isDirectory(out)) {
            throw usage("--out names a directory: " + out);
        }
        if (!List.of("auto", "wrk", "java").contains(driver)) {
            throw usage("--driver must be auto, wrk or java, got " + driver);
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** The run itself, apart from the flags: picocli builds every command for --help (see {@code ClientClassesTest}). */
    private static final class Start {
        private Start() {}

        static int bench(BenchCommand flags) throws InterruptedException {
            flags.checkCounts();
            List<Integer> connections = flags.checkedConnections();
            Duration warmup = flags.checkedDuration("--warmup", flags.warmup, Duration.ZERO);
            Duration duration = flags.checkedDuration("--duration", flags.duration, Duration.ofSeconds(1));
            Path tmp = flags.tmp != null ? flags.tmp : Path.of(System.getProperty("java.io.tmpdir"));
            dev.coffer.server.bench.BenchSettings settings = new dev.coffer.server.bench.BenchSettings(flags.secrets, connections, warmup,
                    duration, flags.pgUrl, flags.pgUser, !flags.noPg, flags.instances, flags.large,
                    dev.coffer.server.bench.BenchSettings.DriverChoice.valueOf(flags.driver.toUpperCase(java.util.Locale.ROOT)),
                    flags.out, flags.beforeJar, tmp);
            dev.coffer.server.bench.Report report;
            try {
                report = dev.coffer.server.bench.BenchRun.run(settings, System.err);
            } catch (IllegalStateException | java.io.UncheckedIOException e) {
                throw new CliException(ExitCodes.UNAVAILABLE, "bench: " + e.getMessage());
            }
            String markdown = report.markdown();
            System.out.print(markdown);
            System.out.flush();
            if (flags.out != null) {
                try {
                    Files.writeString(flags.out, markdown, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new CliException(ExitCodes.INTERNAL, "bench: cannot write " + flags.out + ": " + e.getMessage());
                }
            }
            List<String> failed = new ArrayList<>();
            report.failures().forEach(r -> failed.add(r.name() + " (" + r.connections() + "): " + r.failure()));
            if (!failed.isEmpty()) {
                throw new CliException(ExitCodes.INTERNAL, "bench: " + failed.size() + " row(s) failed: " + String.join("; ", failed));
            }
            return ExitCodes.OK;
        }
    }
}
