package dev.coffer.jdbi;

import dev.coffer.jdbi.internal.Sql;
import dev.coffer.jdbi.testing.PostgresServer;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.crypto.ValueBinding;
import dev.coffer.spi.kernel.StandardSecretManager;
import dev.coffer.spi.audit.AuditKeys;
import dev.coffer.spi.memory.InMemoryAuditAnchor;
import dev.coffer.spi.memory.JdkEnvelope;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretContent;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.store.BeforeCommit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The load driver behind the README's figures, run on demand only:
 * {@code ./mvnw -B -pl secrets-jdbi verify -Pbench}. It needs PostgreSQL on 127.0.0.1:5432 and
 * works in a database of its own, dropped at the end.
 *
 * <ol>
 *   <li>audited reads per second of one secret's current version, 16 concurrent callers, through
 *       {@link StandardSecretManager} with {@link JdkEnvelope}, group commit on and off;</li>
 *   <li>read latency (one caller) with 1,000 and with 100,000 secrets stored.</li>
 * </ol>
 * Durations are short ({@code -Dbench.seconds=10} by default) so that the whole run takes about
 * a minute; results go to the console and to {@code target/bench-results.txt}.
 */
@Tag("bench")
class AuditedReadBenchmark {
    private static final String TENANT = "bench";
    private static final int CALLERS = 16;
    private static final int SECONDS = Integer.getInteger("bench.seconds", 10);
    private static final AccessContext READER = AccessContext.of(Principal.of("user:bench", TENANT));

    private final List<String> report = new ArrayList<>();

    @Test
    void auditedReads() throws Exception {
        try {
            line("machine: %d cores, %s %s; PostgreSQL on 127.0.0.1:5432 (local), pool of %d connections",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                    System.getProperty("java.version"), CALLERS);
            // Each phase gets a database of its own: the JDK envelope's root key lives only as long as it does.
            if (!Boolean.getBoolean("bench.skipThroughput")) {
                for (boolean groupCommit : new boolean[] {true, false}) {
                    inFreshDatabase(config -> throughput(config.groupCommit(groupCommit).build(), groupCommit));
                }
            }
            inFreshDatabase(config -> latencies(config.build()));
        } finally {
            Files.write(Path.of("target", "bench-results.txt"), report);
        }
    }

    private interface Phase {
        void run(DatabaseConfig.Builder config) throws Exception;
    }

    private static void inFreshDatabase(Phase phase) throws Exception {
        String name = PostgresServer.createDatabase();
        try {
            phase.run(PostgresServer.config(name).poolSize(CALLERS));
        } finally {
            PostgresServer.dropDatabase(name);
        }
    }

    private void throughput(DatabaseConfig config, boolean groupCommit) throws InterruptedException {
        try (CofferDatabase db = CofferDatabase.open(config, AuditProtection.of(AuditKeys.random(), new InMemoryAuditAnchor()))) {
            throughput(db, groupCommit);
        }
    }

    private void throughput(CofferDatabase db, boolean groupCommit) throws InterruptedException {
        SecretManager manager = manager(db, new JdkEnvelope(db.tenantKeyStore()));
        Secret secret = manager.create(READER, NewSecret.builder(SecretPath.parse(TENANT, "prod/bench/hot-" + groupCommit), "bench").build());
        manager.addVersion(READER, secret.id(), NewVersion.current(SecretValue.ofUtf8("bench-value-not-secret")));

        run(manager, secret.path(), 3); // warm-up: JIT, pool, statement caches
        long commitsBefore = db.auditLog().commitCount();
        long reads = run(manager, secret.path(), SECONDS);
        long commits = db.auditLog().commitCount() - commitsBefore;
        line("audited reads of a current version, %d callers, group commit %-3s: %,8.0f reads/s  (%,d reads in %d s, %.1f reads per commit)",
                CALLERS, groupCommit ? "on" : "off", reads / (double) SECONDS, reads, SECONDS,
                commits == 0 ? 0.0 : reads / (double) commits);
    }

    private static long run(SecretManager manager, SecretPath path, int seconds) throws InterruptedException {
        LongAdder reads = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(CALLERS);
        for (int i = 0; i < CALLERS; i++) {
            Thread caller = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        try (SecretContent content = manager.read(READER, path, VersionSelector.current())) {
                            reads.add(content.version()); // version 1: counts one read
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
            caller.start();
        }
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        done.await();
        return reads.sum();
    }

    private void latencies(DatabaseConfig config) {
        try (CofferDatabase db = CofferDatabase.open(config, AuditProtection.of(AuditKeys.random(), new InMemoryAuditAnchor()))) {
            // Seeding seals through the manager's own envelope, so that the manager opens what is seeded.
            JdkEnvelope envelope = new JdkEnvelope(db.tenantKeyStore());
            SecretManager manager = manager(db, envelope);
            long started = System.nanoTime();
            seed(db, envelope, 0, 1_000);
            line("seeded 1,000 secrets in %.1f s (multi-row batches)", (System.nanoTime() - started) / 1e9);
            measure(manager, 1_000);
            started = System.nanoTime();
            seed(db, envelope, 1_000, 100_000);
            line("seeded 99,000 more secrets in %.1f s (multi-row batches)", (System.nanoTime() - started) / 1e9);
            measure(manager, 100_000);
        }
    }

    private void measure(SecretManager manager, int stored) {
        int warmup = 500;
        int samples = 3_000;
        long[] nanos = new long[samples];
        for (int i = -warmup; i < samples; i++) {
            SecretPath path = pathOf(ThreadLocalRandom.current().nextInt(stored));
            long t = System.nanoTime();
            try (SecretContent content = manager.read(READER, path, VersionSelector.current())) {
                if (content.version() != 1) {
                    throw new IllegalStateException("unexpected version");
                }
            }
            if (i >= 0) {
                nanos[i] = System.nanoTime() - t;
            }
        }
        Arrays.sort(nanos);
        line("read latency, one caller, %,7d secrets stored: p50 %.2f ms, p99 %.2f ms, mean %.2f ms (%,d random secrets read)",
                stored, nanos[samples / 2] / 1e6, nanos[samples * 99 / 100] / 1e6,
                Arrays.stream(nanos).average().orElse(0) / 1e6, samples);
    }

    private static void seed(CofferDatabase db, JdkEnvelope envelope, int from, int to) {
        Jdbi jdbi = Jdbi.create(db.dataSource());
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        int chunk = 2_000;
        for (int start = from; start < to; start += chunk) {
            int first = start;
            int end = Math.min(to, start + chunk);
            jdbi.useTransaction(h -> {
                PreparedBatch secrets = h.prepareBatch("INSERT INTO secrets (tenant, id, environment, path, owner_team, description,"
                        + " rotation_strategy, label_keys, label_values, created_at, updated_at, last_rotated_at, last_version)"
                        + " VALUES (:tenant, :id, 'prod', :path, 'bench', '', 'manual-overlap', :empty, :empty, :now, :now, :now, 1)");
                PreparedBatch versions = h.prepareBatch("INSERT INTO secret_versions (tenant, secret_id, number, state, created_by,"
                        + " created_at, key_id, ciphertext, wrapped_key) VALUES (:tenant, :id, 1, 'ENABLED', 'user:bench', :now,"
                        + " :keyId, :ciphertext, :wrappedKey)");
                PreparedBatch aliases = h.prepareBatch("INSERT INTO secret_aliases (tenant, secret_id, alias, version)"
                        + " VALUES (:tenant, :id, 'current', 1)");
                for (int i = first; i < end; i++) {
                    SecretPath path = pathOf(i);
                    String id = String.format(Locale.ROOT, "sec_bench%022d", i);
                    SealedValue sealed;
                    try (SecretValue value = SecretValue.ofUtf8("bench-value-" + i)) {
                        sealed = envelope.seal(value, new ValueBinding(path, 1));
                    }
                    secrets.bind("tenant", TENANT).bind("id", id).bind("path", path.path())
                            .bind("empty", Sql.strings(List.of())).bind("now", Sql.instant(now)).add();
                    versions.bind("tenant", TENANT).bind("id", id).bind("now", Sql.instant(now)).bind("keyId", sealed.keyId())
                            .bind("ciphertext", sealed.ciphertext()).bind("wrappedKey", sealed.wrappedKey()).add();
                    aliases.bind("tenant", TENANT).bind("id", id).add();
                }
                secrets.execute();
                versions.execute();
                aliases.execute();
            });
            if (first == 0) {
                analyze(jdbi);
            }
        }
        analyze(jdbi);
    }

    // What autovacuum does in production (it is off on the benchmark machine): without statistics,
    // plans cached while the tables were nearly empty stay in use (foreign-key checks among them)
    // and scan the whole tenant per lookup as the tables grow.
    private static void analyze(Jdbi jdbi) {
        jdbi.useHandle(h -> h.execute("ANALYZE secrets, secret_versions, secret_aliases"));
    }

    private static SecretPath pathOf(int i) {
        return SecretPath.of(TENANT, "prod", String.format(Locale.ROOT, "svc-%03d/key-%06d", i % 500, i));
    }

    private static SecretManager manager(CofferDatabase db, JdkEnvelope envelope) {
        db.policyStore().put(TENANT, Policy.allow("bench", List.of("user:bench"), List.of("secrets:*"), List.of("*")),
                BeforeCommit.none());
        return StandardSecretManager.builder().secretStore(db.secretStore()).policyStore(db.policyStore())
                .auditLog(db.auditLog()).envelope(envelope).build();
    }

    private void line(String format, Object... args) {
        String text = String.format(Locale.ROOT, format, args);
        report.add(text);
        System.out.println("[bench] " + text);
    }

    static {
        try {
            Files.createDirectories(Path.of("target"));
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
