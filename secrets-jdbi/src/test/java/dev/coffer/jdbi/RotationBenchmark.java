package dev.coffer.jdbi;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.coffer.jdbi.testing.PostgresServer;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.audit.AuditKeys;
import dev.coffer.spi.kernel.StandardSecretManager;
import dev.coffer.spi.memory.InMemoryAuditAnchor;
import dev.coffer.spi.memory.JdkEnvelope;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretRef;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.rotation.RotationEngine;
import dev.coffer.spi.rotation.RotationPolicy;
import dev.coffer.spi.rotation.RotationSchedule;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.tck.support.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The load driver behind the rotation figures of docs/benchmarks.md, run on demand only:
 * {@code ./mvnw -B -pl secrets-jdbi -am verify -Pbench -Dtest=RotationBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false -DskipITs}. It needs PostgreSQL on 127.0.0.1:5432 and
 * works in a database of its own, dropped at the end.
 *
 * <p>1,000 secrets (default; {@code -Dbench.rotations=N}) with a {@code generated} policy fall due
 * at once (a movable clock jumps 31 days); {@code -Dbench.workers} threads (default 4, the server's
 * default) drive the engine as the server's scheduler does, one claim at a time, until nothing is
 * due. Reported: wall time, rotations per second, the most pool connections in use at once (sampled
 * every millisecond) against the pool's size, and, in the same run, what the machine allows for the
 * same change by hand: the same workers adding a CURRENT version to each secret through the kernel
 * (one audited version add + alias move per secret, the least a rotation writes).
 */
@Tag("bench")
class RotationBenchmark {
    private static final String TENANT = "bench";
    private static final int SECRETS = Integer.getInteger("bench.rotations", 1_000);
    private static final int WORKERS = Integer.getInteger("bench.workers", 4);
    private static final int POOL = Integer.getInteger("bench.pool", 10);
    private static final AccessContext ADMIN = AccessContext.of(Principal.of("user:bench", TENANT));

    private final List<String> report = new ArrayList<>();
    private double lastDrainSeconds;

    @Test
    void thousandDueRotations() throws Exception {
        String name = PostgresServer.createDatabase();
        try (CofferDatabase db = CofferDatabase.open(PostgresServer.config(name).poolSize(POOL).build(),
                AuditProtection.of(AuditKeys.random(), new InMemoryAuditAnchor()))) {
            line("machine: %d cores, %s %s; PostgreSQL on 127.0.0.1:5432 (local); pool of %d connections; %d engine workers",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                    System.getProperty("java.version"), POOL, WORKERS);
            db.policyStore().put(TENANT, Policy.allow("bench-admin", List.of("user:bench"), List.of("secrets:*"), List.of("*")),
                    BeforeCommit.none());
            MutableClock clock = MutableClock.startingAt2030();
            StandardSecretManager kernel = StandardSecretManager.builder()
                    .secretStore(db.secretStore())
                    .envelope(new JdkEnvelope(db.tenantKeyStore()))
                    .auditLog(db.auditLog())
                    .policyStore(db.policyStore())
                    .rotationStore(db.rotationStore())
                    .clock(clock)
                    .build();
            HikariPoolMXBean pool = ((HikariDataSource) db.dataSource()).getHikariPoolMXBean();

            List<Secret> secrets = new ArrayList<>(SECRETS);
            for (int i = 0; i < SECRETS; i++) {
                secrets.add(null);
            }
            timed("created %,d secrets with a current value", pool, i -> {
                Secret s = kernel.create(ADMIN, NewSecret.builder(SecretPath.parse(TENANT,
                        String.format(Locale.ROOT, "prod/bench/db-%05d", i)), "bench").build());
                try (SecretValue v = SecretValue.ofUtf8("bench-initial-" + i)) {
                    kernel.addVersion(ADMIN, s.id(), NewVersion.current(v));
                }
                secrets.set(i, s);
            });
            timed("by hand, the least a rotation writes: %,d CURRENT version adds", pool, i -> {
                try (SecretValue v = SecretValue.ofUtf8("bench-manual-" + i)) {
                    kernel.addVersion(ADMIN, secrets.get(i).id(), NewVersion.current(v));
                }
            });
            RotationPolicy policy = RotationPolicy.builder("generated", RotationSchedule.parse("30d")).overlap(Duration.ZERO).build();
            timed("set %,d rotation policies", pool, i -> kernel.rotations().setPolicy(ADMIN, SecretRef.id(secrets.get(i).id()), policy));
            RotationEngine engine = kernel.rotationEngine();
            long idle = drain(engine, pool, "first look at each new policy (none due yet)");
            clock.advance(Duration.ofDays(31));
            long eventsBefore = count(db, "SELECT count(*) FROM audit_events");
            long handled = drain(engine, pool, "%,d rotations fall due at once".formatted(SECRETS));
            long events = count(db, "SELECT count(*) FROM audit_events") - eventsBefore;
            line("  %,d rotations in %.2f s: %,.1f rotations/s; claims handled %,d (each secret twice: its run, then the"
                    + " retirement of the old version; first look: %,d)", SECRETS, lastDrainSeconds, SECRETS / lastDrainSeconds,
                    handled, idle);
            line("  audit events written: %,d (%.1f per rotation: each step, version add, alias moves, reads of values, retirement)",
                    events, events / (double) SECRETS);
            verify(db, secrets.size());
        } finally {
            PostgresServer.dropDatabase(name);
            Files.write(Path.of("target", "rotation-bench-results.txt"), report);
        }
    }

    /** Runs {@code work} for every secret index on {@link #WORKERS} threads and reports the rate. */
    private void timed(String what, HikariPoolMXBean pool, IntConsumer work) throws Exception {
        AtomicInteger next = new AtomicInteger();
        PoolSampler sampler = new PoolSampler(pool);
        long started = System.nanoTime();
        runWorkers(() -> {
            for (int i = next.getAndIncrement(); i < SECRETS; i = next.getAndIncrement()) {
                work.accept(i);
            }
            return 0L;
        });
        double seconds = (System.nanoTime() - started) / 1e9;
        sampler.stop();
        line("%-70s %7.2f s  %,8.0f /s  pool in use at most %d of %d", what.formatted(SECRETS), seconds, SECRETS / seconds,
                sampler.max(), POOL);
    }

    /** Drives the engine on {@link #WORKERS} threads, one claim at a time, until nothing is due; returns the claims handled. */
    private long drain(RotationEngine engine, HikariPoolMXBean pool, String what) throws Exception {
        PoolSampler sampler = new PoolSampler(pool);
        long started = System.nanoTime();
        long handled = runWorkers(() -> {
            long mine = 0;
            for (int n = engine.runDue(1); n > 0; n = engine.runDue(1)) {
                mine += n;
            }
            return mine;
        });
        double seconds = (System.nanoTime() - started) / 1e9;
        sampler.stop();
        line("%-70s %7.2f s  %,8.0f claims/s  pool in use at most %d of %d", what, seconds, handled / seconds, sampler.max(), POOL);
        lastDrainSeconds = seconds;
        return handled;
    }

    private static long runWorkers(java.util.concurrent.Callable<Long> body) throws Exception {
        ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
        try {
            List<Future<Long>> done = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                done.add(workers.submit(body));
            }
            long total = 0;
            for (Future<Long> f : done) {
                total += f.get();
            }
            return total;
        } finally {
            workers.shutdownNow();
        }
    }

    private void verify(CofferDatabase db, int expected) throws Exception {
        long finished = count(db, "SELECT count(*) FROM rotation_runs WHERE state = 'FINISHED'");
        line("  finished runs: %,d of %,d", finished, expected);
        if (finished != expected) {
            throw new IllegalStateException("only " + finished + " of " + expected + " rotations finished");
        }
    }

    private static long count(CofferDatabase db, String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void line(String format, Object... args) {
        String text = String.format(Locale.ROOT, format, args);
        System.out.println(text);
        report.add(text);
    }

    /** Samples the pool's active connections every millisecond and keeps the highest. */
    private static final class PoolSampler {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicInteger max = new AtomicInteger();
        private final Thread thread;

        PoolSampler(HikariPoolMXBean pool) {
            thread = new Thread(() -> {
                while (!stop.get()) {
                    max.accumulateAndGet(pool.getActiveConnections(), Math::max);
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "pool-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            stop.set(true);
            thread.join();
        }

        int max() {
            return max.get();
        }
    }
}
