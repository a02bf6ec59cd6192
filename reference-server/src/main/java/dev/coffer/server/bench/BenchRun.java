package dev.coffer.server.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One {@code coffer bench} run, in this order: H2 (the audited reads at every connection count, the
 * 401 floor, with {@code --large} the latency at scale), then PostgreSQL when it is reachable (the
 * audited reads, the pgbench ceiling, several instances on one database), then the older jar of
 * {@code --before-jar}. Everything it starts is registered with a {@link Cleanup} and stopped at the
 * end, on a failure and on Ctrl-C; a row whose window had errors is reported as failed and the run goes on.
 *
 * <pre>{@code
 * Report report = BenchRun.run(settings, System.err);
 * System.out.print(report.markdown());
 * }</pre>
 */
public final class BenchRun {
    private static final String[] SHARED_KEYS = {"root-keyset.json", "jwt-signing-key.pem", "jwt-public-key.pem"};

    private final BenchSettings settings;
    private final PrintStream progress;
    private final Cleanup cleanup;
    private final PrivateDir dir;
    private final LoadDriver driver;
    private final List<Row> rows = new ArrayList<>();
    private final Postgres postgres;
    private int serial;

    private BenchRun(BenchSettings settings, PrintStream progress, Cleanup cleanup, PrivateDir dir, LoadDriver driver) {
        this.settings = settings;
        this.progress = progress;
        this.cleanup = cleanup;
        this.dir = dir;
        this.driver = driver;
        this.postgres = new Postgres(settings.pgUrl(), settings.pgUser(), System.getenv("COFFER_DB_PASSWORD"));
    }

    /**
     * Runs everything and returns the report; {@code progress} gets one line per step.
     *
     * @throws IllegalStateException when wrk is asked for and missing, or a server cannot be started or loaded
     */
    public static Report run(BenchSettings settings, PrintStream progress) throws InterruptedException {
        try (Cleanup cleanup = new Cleanup()) {
            PrivateDir dir = cleanup.add(PrivateDir.create(settings.tmp()));
            LoadDriver driver = driver(settings.driver(), dir.path());
            return new BenchRun(settings, progress, cleanup, dir, driver).all();
        }
    }

    private static LoadDriver driver(BenchSettings.DriverChoice choice, Path dir) {
        if (choice == BenchSettings.DriverChoice.JAVA) {
            return new JavaDriver();
        }
        return Machine.onPath("wrk").<LoadDriver>map(wrk -> new WrkDriver(wrk, dir)).orElseGet(() -> {
            if (choice == BenchSettings.DriverChoice.WRK) {
                throw new IllegalStateException("--driver wrk: wrk is not on the PATH");
            }
            return new JavaDriver();
        });
    }

    private Report all() throws InterruptedException {
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String loadAtStart = Machine.loadAverage();
        String java = Machine.javaVersion(dir.path());
        Launcher current = Launcher.current();
        List<String> header = new ArrayList<>();
        h2(current, "H2", settings.connections(), true);
        String pgState;
        if (!settings.postgres()) {
            pgState = "not measured (--no-pg)";
        } else {
            String unreachable = postgres.unreachableReason();
            if (unreachable == null) {
                pgState = settings.pgUrl() + " as " + settings.pgUser() + ", a fresh database per server build, dropped at the end";
                postgresRows(current, "PostgreSQL", settings.connections(), true);
            } else {
                pgState = "not reachable at " + settings.pgUrl() + " (" + unreachable + "): its rows are skipped";
            }
        }
        if (settings.beforeJar() != null) {
            Launcher before = Launcher.jar(settings.beforeJar());
            h2(before, "before: H2", List.of(BenchSettings.RATIO_CONNECTIONS), false);
            if (settings.postgres() && postgres.unreachableReason() == null) {
                postgresRows(before, "before: PostgreSQL", List.of(BenchSettings.RATIO_CONNECTIONS), false);
            }
        }
        header.add("started " + started + "; " + Machine.processors() + " processors (nproc); load average (uptime) "
                + loadAtStart + " at the start, " + Machine.loadAverage() + " at the end");
        header.add("server: " + current.label() + (settings.beforeJar() != null ? "; before: " + settings.beforeJar() : "")
                + "; " + java);
        header.add("driver: " + driver.description());
        header.add(settings.secrets() + " secrets per server; warm-up " + settings.warmup().toSeconds() + "s, then a "
                + settings.duration().toSeconds() + "s window per row; every read is GET /v1/secrets/bench/s/... with the admin token "
                + "(authorized, decrypted, audited); the 401 floor is the same GET without a token");
        header.add("PostgreSQL: " + pgState);
        header.add("CPU per read: server = utime+stime of the server JVM over the window / responses; db = the same summed over "
                + "every process named postgres (polled every 100 ms, so that backends which come and go, pgbench's, count); driver = wrk's or pgbench's CPU (bash times), the Java driver's = this JVM's");
        return new Report(header, rows);
    }

    /** The H2 rows of one build: a server on a fresh data directory, loaded, read at each connection count. */
    private void h2(Launcher launcher, String label, List<Integer> connections, boolean main) throws InterruptedException {
        ServerProcess server = start(launcher, label, null);
        if (server == null) {
            return;
        }
        try {
            if (!load(server, label, settings.secrets())) {
                return;
            }
            for (int c : connections) {
                rows.add(measure(main && c == BenchSettings.RATIO_CONNECTIONS ? Report.KEY_H2 : null, label + " audited read", server,
                        spec(server, 1, true, c), null));
            }
            if (main) {
                Row floor = floorProbe(server);
                rows.add(floor != null ? floor
                        : measure(Report.KEY_FLOOR, "401 floor (same GET, no token)", server, spec(server, 1, false, BenchSettings.RATIO_CONNECTIONS), null));
            }
            if (main && settings.large() > 0) {
                rows.add(measure(Report.KEY_SMALL, label + " read, random of " + settings.secrets(), server, spec(server, settings.secrets(), true, 1), null));
            }
        } finally {
            stop(server);
        }
        if (main && settings.large() > 0) {
            large(launcher, label);
        }
    }

    private void large(Launcher launcher, String label) throws InterruptedException {
        String name = label + " read, random of " + settings.large();
        ServerProcess big = start(launcher, label + " large", null);
        if (big == null) {
            return;
        }
        try {
            progress.println("coffer bench: loading " + settings.large() + " secrets (takes minutes)");
            if (load(big, name, settings.large())) {
                rows.add(measure(Report.KEY_LARGE, name, big, spec(big, settings.large(), true, 1), null));
            }
        } finally {
            stop(big);
        }
    }

    /** The PostgreSQL rows of one build: a fresh database, a server on it, the reads; for the current build also pgbench and several instances. */
    private void postgresRows(Launcher launcher, String label, List<Integer> connections, boolean main) throws InterruptedException {
        Postgres.Database db;
        try {
            db = cleanup.add(postgres.create());
        } catch (SQLException e) {
            rows.add(Row.failed(null, label, "—", "cannot create a database: SQLState " + e.getSQLState()));
            return;
        }
        List<ServerProcess> servers = new ArrayList<>();
        try {
            ServerProcess a = start(launcher, label, db.jdbcUrl());
            if (a == null) {
                return;
            }
            servers.add(a);
            if (!load(a, label, settings.secrets())) {
                return;
            }
            for (int c : connections) {
                rows.add(measure(main && c == BenchSettings.RATIO_CONNECTIONS ? Report.KEY_PG : null, label + " audited read", a,
                        spec(a, 1, true, c), db));
            }
            if (main) {
                rows.add(pgbench(db));
                if (settings.instances() > 1) {
                    instances(launcher, label, db, a, servers);
                }
            }
        } finally {
            for (ServerProcess s : servers) {
                stop(s);
            }
            try {
                cleanup.closeNow(db);
            } catch (Exception e) {
                progress.println("coffer bench: cannot drop " + db.name() + ": " + e.getMessage());
            }
        }
    }

    /** The servers after the first share its database, root keyset and signing key (docs/operating.md). */
    private void instances(Launcher launcher, String label, Postgres.Database db, ServerProcess first, List<ServerProcess> servers)
            throws InterruptedException {
        List<ServerProcess> group = new ArrayList<>(List.of(first));
        for (int i = 2; i <= settings.instances(); i++) {
            cleanup.checkOpen();
            Path data = dir.subdirectory("data-" + (++serial));
            try {
                for (String key : SHARED_KEYS) {
                    Path copy = Files.copy(first.data().resolve(key), data.resolve(key), StandardCopyOption.COPY_ATTRIBUTES);
                    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-------"));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy the shared keys", e);
            }
            ServerProcess next = startIn(launcher, label + " instance " + i, db.jdbcUrl(), data);
            if (next == null) {
                return;
            }
            servers.add(next);
            group.add(next);
        }
        rows.addAll(together(label, group, first.adminTokenFile(), BenchSettings.RATIO_CONNECTIONS / group.size(), db));
    }

    private Row pgbench(Postgres.Database db) throws InterruptedException {
        String name = "pgbench select+insert ceiling";
        String clients = String.valueOf(BenchSettings.RATIO_CONNECTIONS);
        Path tool = Machine.onPath("pgbench").orElse(null);
        if (tool == null) {
            return Row.failed(Report.KEY_PGBENCH, name, clients, "pgbench is not on the PATH");
        }
        progress.println("coffer bench: " + name + ", " + clients + " clients");
        PgBench bench = new PgBench(tool, db, dir.path(), settings.secrets());
        try {
            bench.prepare();
            if (!settings.warmup().isZero()) {
                bench.run(BenchSettings.RATIO_CONNECTIONS, settings.warmup(), postgres.password());
            }
            ProcCpu.PostgresMeter meter = ProcCpu.PostgresMeter.start();
            PgBench.Outcome outcome;
            double dbMs;
            try {
                outcome = bench.run(BenchSettings.RATIO_CONNECTIONS, settings.duration(), postgres.password());
            } finally {
                dbMs = meter.stopMs();
            }
            double transactions = outcome.tps() * Math.max(1, settings.duration().toSeconds());
            return new Row(Report.KEY_PGBENCH, name, clients, outcome.tps(), Double.NaN, Double.NaN, Double.NaN, per(dbMs, transactions),
                    per(outcome.cpuMs(), transactions), "tps of one SELECT by key + one 300-byte INSERT, -M prepared -j2, TCP, "
                            + settings.secrets() + " rows", null);
        } catch (SQLException e) {
            return Row.failed(Report.KEY_PGBENCH, name, clients, "preparing its tables: SQLState " + e.getSQLState());
        } catch (IllegalStateException e) {
            return Row.failed(Report.KEY_PGBENCH, name, clients, e.getMessage());
        }
    }

    /** The 401 floor's precondition: the GET without a token is answered 401 (wrk counts statuses only as 2xx or not). */
    private Row floorProbe(ServerProcess server) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            int status = client.send(HttpRequest.newBuilder(URI.create(server.base() + BenchSecrets.route(1))).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            return status == 401 ? null : Row.failed(Report.KEY_FLOOR, "401 floor", "16", "a GET without a token was answered " + status);
        } catch (IOException e) {
            return Row.failed(Report.KEY_FLOOR, "401 floor", "16", "the probe failed: " + e.getMessage());
        }
    }

    /** One row: warm-up, then the window, with the server's, the database's and the driver's CPU read around it. */
    private Row measure(String key, String name, ServerProcess server, LoadSpec spec, Postgres.Database db) throws InterruptedException {
        cleanup.checkOpen();
        String connections = String.valueOf(spec.connections());
        progress.println("coffer bench: " + name + ", " + connections + " connections");
        try {
            if (!settings.warmup().isZero()) {
                LoadResult warm = driver.run(spec.lasting(settings.warmup()));
                if (!warm.clean()) {
                    return Row.failed(key, name, connections, "in the warm-up: " + warm.failure());
                }
            }
            LockSampler sampler = db == null ? null : LockSampler.start(db);
            try {
                double server0 = ProcCpu.processMs(server.pid());
                ProcCpu.PostgresMeter meter = db == null ? null : ProcCpu.PostgresMeter.start();
                double self0 = ProcCpu.selfMs();
                LoadResult r;
                double dbMs;
                try {
                    r = driver.run(spec);
                } finally {
                    dbMs = meter == null ? Double.NaN : meter.stopMs();
                }
                double serverMs = ProcCpu.processMs(server.pid()) - server0;
                double driverMs = driver.inProcess() ? ProcCpu.selfMs() - self0 : r.driverCpuMs();
                String note = sampler == null ? "" : sampler.stop(r.seconds(), r.requests()).note();
                String failure = server.alive() ? r.failure() : "the server exited";
                return new Row(key, name, connections, r.perSecond(), r.p50Ms(), r.p99Ms(), per(serverMs, r.requests()), per(dbMs, r.requests()),
                        per(driverMs, r.requests()), note, failure);
            } finally {
                if (sampler != null) {
                    sampler.close();
                }
            }
        } catch (IllegalStateException e) {
            return Row.failed(key, name, connections, e.getMessage());
        } catch (SQLException e) {
            return Row.failed(key, name, connections, "the lock sampler: SQLState " + e.getSQLState());
        }
    }

    /** Several servers driven at once, {@code each} connections each: a row per server and their sum. */
    private List<Row> together(String label, List<ServerProcess> servers, Path token, int each, Postgres.Database db)
            throws InterruptedException {
        String name = label + ", " + servers.size() + " instances on one database";
        progress.println("coffer bench: " + name + ", " + each + " connections each");
        List<Row> out = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(servers.size());
        try {
            List<LoadSpec> specs = servers.stream().map(s -> new LoadSpec(s.base(), 1, token, each, settings.duration())).toList();
            if (!settings.warmup().isZero()) {
                // The instances started for this row have a cold JIT: each gets a warm-up of its own first,
                // so that the row compares the instances, not their ages.
                for (int i = 1; i < specs.size(); i++) {
                    LoadResult alone = driver.run(new LoadSpec(servers.get(i).base(), 1, token, BenchSettings.RATIO_CONNECTIONS, settings.warmup()));
                    if (!alone.clean()) {
                        out.add(Row.failed(null, name, servers.size() + " x " + each, "in instance " + (i + 1) + "'s warm-up: " + alone.failure()));
                        return out;
                    }
                }
                List<LoadResult> warm = all(pool, specs.stream().map(s -> s.lasting(settings.warmup())).toList());
                for (LoadResult w : warm) {
                    if (!w.clean()) {
                        out.add(Row.failed(null, name, servers.size() + " x " + each, "in the warm-up: " + w.failure()));
                        return out;
                    }
                }
            }
            try (LockSampler sampler = LockSampler.start(db)) {
                double[] server0 = servers.stream().mapToDouble(s -> ProcCpu.processMs(s.pid())).toArray();
                ProcCpu.PostgresMeter meter = ProcCpu.PostgresMeter.start();
                double self0 = ProcCpu.selfMs();
                List<LoadResult> results;
                double dbMs;
                try {
                    results = all(pool, specs);
                } finally {
                    dbMs = meter.stopMs();
                }
                double selfMs = ProcCpu.selfMs() - self0;
                long total = 0;
                double perSecond = 0;
                double serverMs = 0;
                double driverMs = 0;
                double seconds = 0;
                List<String> failures = new ArrayList<>();
                for (int i = 0; i < servers.size(); i++) {
                    LoadResult r = results.get(i);
                    double cpu = ProcCpu.processMs(servers.get(i).pid()) - server0[i];
                    String failure = servers.get(i).alive() ? r.failure() : "the server exited";
                    out.add(new Row(null, "  instance " + (i + 1), String.valueOf(each), r.perSecond(), r.p50Ms(), r.p99Ms(), per(cpu, r.requests()),
                            Double.NaN, driver.inProcess() ? Double.NaN : per(r.driverCpuMs(), r.requests()), "", failure));
                    if (failure != null) {
                        failures.add("instance " + (i + 1) + ": " + failure);
                    }
                    total += r.requests();
                    perSecond += r.perSecond();
                    serverMs += cpu;
                    driverMs += driver.inProcess() ? 0 : r.driverCpuMs();
                    seconds = Math.max(seconds, r.seconds());
                }
                String note = sampler.stop(seconds, total).note();
                out.add(0, new Row(null, name + " (sum)", servers.size() + " x " + each, perSecond, Double.NaN, Double.NaN, per(serverMs, total),
                        per(dbMs, total), per(driver.inProcess() ? selfMs : driverMs, total), note,
                        failures.isEmpty() ? null : String.join("; ", failures)));
            }
        } catch (SQLException e) {
            out.add(Row.failed(null, name, servers.size() + " x " + each, "the lock sampler: SQLState " + e.getSQLState()));
        } catch (IllegalStateException e) {
            out.add(Row.failed(null, name, servers.size() + " x " + each, e.getMessage()));
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    private List<LoadResult> all(ExecutorService pool, List<LoadSpec> specs) throws InterruptedException {
        List<Future<LoadResult>> running = new ArrayList<>();
        for (LoadSpec spec : specs) {
            running.add(pool.submit(() -> driver.run(spec)));
        }
        List<LoadResult> results = new ArrayList<>();
        for (Future<LoadResult> f : running) {
            try {
                results.add(f.get());
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IllegalStateException ise ? ise : new IllegalStateException(e.getCause().toString(), e.getCause());
            }
        }
        return results;
    }

    private LoadSpec spec(ServerProcess server, int secrets, boolean token, int connections) {
        return new LoadSpec(server.base(), secrets, token ? server.adminTokenFile() : null, connections, settings.duration());
    }

    /** A server on a fresh data directory; null (and a failed row) when it does not start. */
    private ServerProcess start(Launcher launcher, String label, String jdbcUrl) throws InterruptedException {
        cleanup.checkOpen();
        return startIn(launcher, label, jdbcUrl, dir.subdirectory("data-" + (++serial)));
    }

    private ServerProcess startIn(Launcher launcher, String label, String jdbcUrl, Path data) throws InterruptedException {
        cleanup.checkOpen();
        progress.println("coffer bench: starting " + label + " (" + launcher.label() + ")");
        try {
            return cleanup.add(ServerProcess.start(launcher, "server-" + serial, data, jdbcUrl,
                    jdbcUrl == null ? Map.of() : Map.of("COFFER_DB_USER", settings.pgUser()), dir.path()));
        } catch (IllegalStateException e) {
            rows.add(Row.failed(null, label, "—", "the server did not start: " + e.getMessage().replace('\n', ' ')));
            return null;
        }
    }

    /** Loads the server; false (and a failed row) when that fails. */
    private boolean load(ServerProcess server, String label, int count) throws InterruptedException {
        progress.println("coffer bench: loading " + count + " secrets into " + label);
        try {
            SecretLoader.load(server.base(), server.adminTokenFile(), 1, count, progress);
            return true;
        } catch (RuntimeException e) {
            rows.add(Row.failed(null, label, "—", e.getMessage()));
            return false;
        }
    }

    private void stop(ServerProcess server) throws InterruptedException {
        try {
            cleanup.closeNow(server);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            progress.println("coffer bench: stopping " + server.name() + ": " + e.getMessage());
        }
    }

    private static double per(double ms, double count) {
        return count <= 0 || Double.isNaN(ms) ? Double.NaN : ms / count;
    }
}
