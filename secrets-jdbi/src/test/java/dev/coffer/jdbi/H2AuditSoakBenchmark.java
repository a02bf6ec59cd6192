package dev.coffer.jdbi;

import dev.coffer.spi.SecretManager;
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
import dev.coffer.spi.model.SecretContent;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.store.BeforeCommit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Soak of the embedded default: {@code -Dbench.reads} audited reads (default 1,000,000) through
 * {@link StandardSecretManager} with {@link JdkEnvelope} on an H2 FILE database opened with
 * {@link DatabaseConfig#h2File} (the server's default settings), by 16 callers. Every 100,000
 * reads (or {@code -Dbench.every}) it prints the file's size on disk, the logical size of what it
 * holds, their ratio, and the reads/s of the last interval:
 *
 * <ul>
 *   <li><b>file</b>: the size of {@code coffer.mv.db} on disk;</li>
 *   <li><b>live</b>: what H2's MVStore counts as live, {@code info.FILE_SIZE} ×
 *       {@code info.FILL_RATE} (blocks held by chunks) × {@code info.CHUNKS_FILL_RATE} (bytes of
 *       those chunks still referenced) from {@code INFORMATION_SCHEMA.SETTINGS};</li>
 *   <li><b>logical</b>: the sum over the schema's tables of H2's {@code DB_OBJECT_APPROXIMATE_TOTAL_SIZE}
 *       (the pages of the table and its indexes as stored, sampled), the size the data would take
 *       in a freshly compacted file; the ratio is file / logical;</li>
 *   <li>at the end, the exact {@code DB_OBJECT_TOTAL_SIZE} and the raw bytes of the audit rows
 *       ({@code SUM(OCTET_LENGTH(...))} of their columns), for comparison.</li>
 * </ul>
 *
 * <pre>
 * ./mvnw -B -pl secrets-jdbi -am verify -Pbench -Dtest=H2AuditSoakBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DskipITs -Dbench.reads=200000
 * </pre>
 * Results also go to {@code target/h2-soak-results.txt}.
 */
@Tag("bench")
class H2AuditSoakBenchmark {
    private static final String TENANT = "soak";
    private static final int CALLERS = 16;
    private static final long READS = Long.getLong("bench.reads", 1_000_000);
    private static final long EVERY = Long.getLong("bench.every", 100_000);
    private static final AccessContext READER = AccessContext.of(Principal.of("user:soak", TENANT));

    private final List<String> report = new ArrayList<>();

    @Test
    void auditedReadsKeepTheFileProportional() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "h2-soak"));
        deleteTree(dir);
        Files.createDirectories(dir);
        Path file = dir.resolve("coffer.mv.db");
        // -Dbench.h2settings=";PAGE_SIZE=2048" appends H2 settings to the default URL (to compare candidates).
        // The housekeeping is on by default (CofferDatabase.HOUSEKEEPING_PROPERTY); -Dbench.housekeeping=false measures without it.
        System.setProperty(CofferDatabase.HOUSEKEEPING_PROPERTY, System.getProperty("bench.housekeeping", "true"));
        String extra = System.getProperty("bench.h2settings", "");
        DatabaseConfig config = extra.isEmpty() ? DatabaseConfig.h2File(dir)
                : DatabaseConfig.builder("jdbc:h2:file:" + dir.toAbsolutePath().resolve("coffer") + extra).user("coffer").build();
        try (CofferDatabase db = CofferDatabase.open(config, AuditProtection.of(AuditKeys.random(), new InMemoryAuditAnchor()))) {
            line("machine: %d cores, %s %s; H2 file %s, %d callers, pool %d, %,d reads",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                    System.getProperty("java.version"), config.safeUrl(), CALLERS, config.poolSize(), READS);
            line("settings: %s%s (RETENTION_TIME before the first housekeeping pass)", settings(db, "WRITE_DELAY", "RETENTION_TIME",
                    "AUTO_COMPACT_FILL_RATE", "MAX_COMPACT_TIME"), extra);
            SecretManager manager = manager(db);
            Secret secret = manager.create(READER, NewSecret.builder(SecretPath.parse(TENANT, "prod/soak/hot"), "soak").build());
            manager.addVersion(READER, secret.id(), NewVersion.current(SecretValue.ofUtf8("soak-value-not-secret")));
            drive(db, manager, secret.path(), file);
            Jdbi jdbi = Jdbi.create(db.dataSource());
            long exact = jdbi.withHandle(h -> h.createQuery(tableSizes("DB_OBJECT_TOTAL_SIZE")).mapTo(Long.class).one());
            long rowBytes = jdbi.withHandle(h -> h.createQuery("SELECT SUM(8 + COALESCE(OCTET_LENGTH(event_id), 0)"
                    + " + OCTET_LENGTH(event_type) + OCTET_LENGTH(tenant) + COALESCE(OCTET_LENGTH(environment), 0)"
                    + " + COALESCE(OCTET_LENGTH(path), 0) + 4 + OCTET_LENGTH(principal) + COALESCE(OCTET_LENGTH(action), 0)"
                    + " + COALESCE(OCTET_LENGTH(detail), 0) + COALESCE(OCTET_LENGTH(source_ip), 0) + OCTET_LENGTH(request_id)"
                    + " + OCTET_LENGTH(decision) + COALESCE(OCTET_LENGTH(reason), 0) + COALESCE(OCTET_LENGTH(ticket), 0)"
                    + " + 12 + OCTET_LENGTH(prev_hash) + OCTET_LENGTH(hash)) FROM audit_events").mapTo(Long.class).one());
            long events = db.auditLog().head();
            long size = Files.size(file);
            line("end: %,d events; file %s; exact logical (DB_OBJECT_TOTAL_SIZE) %s, ratio %.2f; raw audit row bytes %s"
                    + " (%.0f B/event), ratio %.2f", events, mb(size), mb(exact), size / (double) exact, mb(rowBytes),
                    rowBytes / (double) events, size / (double) rowBytes);
        } finally {
            Files.write(Path.of("target", "h2-soak-results.txt"), report);
        }
        long closed = Files.size(file);
        line("after close: file %s", mb(closed));
        Files.write(Path.of("target", "h2-soak-results.txt"), report);
    }

    private void drive(CofferDatabase db, SecretManager manager, SecretPath path, Path file) throws Exception {
        AtomicLong issued = new AtomicLong();
        AtomicLong done = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(CALLERS);
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            Thread caller = new Thread(() -> {
                try {
                    while (issued.incrementAndGet() <= READS) {
                        try (SecretContent content = manager.read(READER, path, VersionSelector.current())) {
                            if (content.version() != 1) {
                                throw new IllegalStateException("unexpected version " + content.version());
                            }
                        }
                        done.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failures.add(t);
                } finally {
                    finished.countDown();
                }
            }, "soak-" + i);
            caller.start();
        }
        Jdbi jdbi = Jdbi.create(db.dataSource());
        long start = System.nanoTime();
        long lastMark = 0;
        long lastNanos = start;
        long next = EVERY;
        while (finished.getCount() > 0 || next <= READS) {
            if (done.get() < next && finished.getCount() > 0) {
                Thread.sleep(20);
                continue;
            }
            long now = System.nanoTime();
            long reads = done.get();
            double rate = (reads - lastMark) / ((now - lastNanos) / 1e9);
            long size = Files.size(file);
            Map<String, String> info = settingsMap(jdbi);
            long fileStoreSize = Long.parseLong(info.getOrDefault("info.FILE_SIZE", "0"));
            long live = fileStoreSize * Long.parseLong(info.getOrDefault("info.FILL_RATE", "0"))
                    * Long.parseLong(info.getOrDefault("info.CHUNKS_FILL_RATE", "0")) / 10_000;
            long logical = jdbi.withHandle(h -> h.createQuery(tableSizes("DB_OBJECT_APPROXIMATE_TOTAL_SIZE")).mapTo(Long.class).one());
            line("%,9d reads: file %s, logical %s, ratio %5.2f; MVStore live %s (fill %s%%, chunks fill %s%%, old chunks fill %s%%, %s chunks);"
                    + " %,6.0f reads/s; housekeeping %s", reads, mb(size), mb(logical), size / (double) logical, mb(live), info.get("info.FILL_RATE"),
                    info.get("info.CHUNKS_FILL_RATE"), info.get("info.CHUNKS_FILL_RATE_RW"), info.get("info.CHUNK_COUNT"), rate, housekeeping(db));
            lastMark = reads;
            lastNanos = now;
            next += EVERY;
            if (finished.getCount() == 0) {
                break;
            }
        }
        finished.await();
        if (!failures.isEmpty()) {
            throw new AssertionError("reads failed: " + failures.get(0), failures.get(0));
        }
        line("all %,d reads in %.1f s: %,.0f reads/s", done.get(), (System.nanoTime() - start) / 1e9,
                done.get() / ((System.nanoTime() - start) / 1e9));
    }

    private static String housekeeping(CofferDatabase db) {
        var h = db.housekeeping();
        return h == null ? "none" : h.passes() + " passes, " + h.compactSteps() + " compact steps, " + h.failures() + " failures";
    }

    private static String tableSizes(String function) {
        return "SELECT COALESCE(SUM(" + function + "('TABLE', table_schema, table_name)), 0)"
                + " FROM information_schema.tables WHERE table_schema = CURRENT_SCHEMA AND table_type = 'BASE TABLE'";
    }

    private static Map<String, String> settingsMap(Jdbi jdbi) {
        Map<String, String> all = new TreeMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT setting_name, setting_value FROM information_schema.settings")
                .map((rs, ctx) -> new String[] {rs.getString(1), String.valueOf(rs.getString(2))})
                .forEach(e -> all.put(e[0], e[1])));
        return all;
    }

    private static String settings(CofferDatabase db, String... names) {
        Map<String, String> all = settingsMap(Jdbi.create(db.dataSource()));
        StringBuilder out = new StringBuilder();
        for (String name : names) {
            out.append(name).append('=').append(all.getOrDefault(name, all.getOrDefault(name.toLowerCase(Locale.ROOT), "?"))).append(' ');
        }
        return out.toString().trim();
    }

    private static SecretManager manager(CofferDatabase db) {
        db.policyStore().put(TENANT, Policy.allow("soak", List.of("user:soak"), List.of("secrets:*"), List.of("*")),
                BeforeCommit.none());
        return StandardSecretManager.builder().secretStore(db.secretStore()).policyStore(db.policyStore())
                .auditLog(db.auditLog()).envelope(new JdkEnvelope(db.tenantKeyStore())).build();
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%,.1f MB", bytes / 1e6);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private void line(String format, Object... args) {
        String text = String.format(Locale.ROOT, format, args);
        report.add(text);
        System.out.println("[soak] " + text);
    }
}
