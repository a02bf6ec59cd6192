package dev.coffer.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zaxxer.hikari.metrics.IMetricsTracker;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import dev.coffer.jdbi.testing.UsePostgres;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.kernel.StandardSecretManager;
import dev.coffer.spi.memory.JdkEnvelope;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.SecretContent;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.SecretStore;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How many statements and pool checkouts an audited read makes on PostgreSQL, counted where they
 * happen: statements as the driver sends them (its {@code FE=> Execute} protocol messages, one per
 * statement run on the server) and checkouts as the pool hands connections out, both per thread,
 * so the reading thread's share is told apart from the audit committer's. Counts, never times.
 */
@ExtendWith({UsePostgres.class, NoValueLeaks.class})
class PostgresReadRoundTripsTest {
    private static final String TENANT = "acme";
    private static final SecretPath PATH = SecretPath.parse(TENANT, "prod/payments/db");
    private static final int READS = 20;
    // Held strongly: java.util.logging keeps loggers only weakly, and the level set on it must stick.
    private static final Logger PROTOCOL = Logger.getLogger("org.postgresql.core.v3.QueryExecutorImpl");

    private final Counter checkouts = new Counter();
    private final Counter statements = new Counter();
    private CofferDatabase db;
    private String value;

    @BeforeEach
    void openWithCountingPool() {
        UsePostgres.database().reset();
        MetricsTrackerFactory counting = (pool, stats) -> "coffer-main".equals(pool) ? new IMetricsTracker() {
            @Override
            public void recordConnectionAcquiredNanos(long elapsedAcquiredNanos) {
                checkouts.add();
            }
        } : new IMetricsTracker() { };
        db = CofferDatabase.open(UsePostgres.database().config().toBuilder().migrateOnStart(false)
                .metricsTrackerFactory(counting).build(), UsePostgres.database().protection());
        db.policyStore().put(TENANT, Policy.allow("admin", List.of("user:admin"), List.of("secrets:*"), List.of("*")),
                BeforeCommit.none());
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void anAuditedReadMakesTwoStatementsOnTwoCheckoutsOnTheReadingThread() {
        Figures figures = countReads(db.secretStore());
        System.out.println("[reads] audited read on PostgreSQL, JdbiSecretStore (findForRead in one statement): " + figures);

        // The policy generation (policies answered from the cache) and findForRead.
        assertEquals(2 * READS, figures.readerStatements(), "statements on the reading thread: " + figures);
        assertEquals(2 * READS, figures.readerCheckouts(), "pool checkouts on the reading thread: " + figures);
    }

    @Test
    void aStoreWithoutItsOwnFindForReadMakesTheFourLookupsOfTheDefault() {
        Figures figures = countReads(new PostgresClusterTest.DelegatingStore(db.secretStore()));
        System.out.println("[reads] audited read on PostgreSQL, SPI default findForRead (four lookups): " + figures);

        // The policy generation, then findSecretByPath, aliases, findVersion and loadSealedValue.
        assertEquals(5 * READS, figures.readerStatements(), "statements on the reading thread: " + figures);
        assertEquals(5 * READS, figures.readerCheckouts(), "pool checkouts on the reading thread: " + figures);
    }

    private Figures countReads(SecretStore store) {
        SecretManager kernel = StandardSecretManager.builder().secretStore(store).policyStore(db.policyStore())
                .auditLog(db.auditLog()).envelope(new JdkEnvelope(db.tenantKeyStore())).build();
        AccessContext admin = AccessContext.of(Principal.of("user:admin", TENANT));
        String id = kernel.create(admin, NewSecret.builder(PATH, "payments").build()).id();
        value = TestValues.text();
        try (SecretValue v = SecretValue.ofUtf8(value)) {
            kernel.addVersion(admin, id, NewVersion.current(v));
        }
        read(kernel, admin); // warms the policy cache and the envelope's tenant key

        Thread reader = Thread.currentThread();
        Handler counter = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getMessage() != null && record.getMessage().startsWith(" FE=> Execute")) {
                    statements.add();
                }
            }

            @Override
            public void flush() { }

            @Override
            public void close() { }
        };
        Level level = PROTOCOL.getLevel();
        boolean parents = PROTOCOL.getUseParentHandlers();
        checkouts.reset();
        statements.reset();
        PROTOCOL.setUseParentHandlers(false); // the protocol trace carries bound parameters; it goes nowhere else
        PROTOCOL.addHandler(counter);
        PROTOCOL.setLevel(Level.FINEST);
        try {
            for (int i = 0; i < READS; i++) {
                read(kernel, admin);
            }
        } finally {
            PROTOCOL.setLevel(level);
            PROTOCOL.removeHandler(counter);
            PROTOCOL.setUseParentHandlers(parents);
        }
        return new Figures(READS, statements.on(reader), statements.total(), checkouts.on(reader), checkouts.total());
    }

    private void read(SecretManager kernel, AccessContext admin) {
        try (SecretContent content = kernel.read(admin, PATH, VersionSelector.current())) {
            assertEquals(value, content.value().asUtf8());
        }
    }

    /** What {@code reads} audited reads made, on the reading thread and in all (the audit committer's too). */
    record Figures(int reads, long readerStatements, long allStatements, long readerCheckouts, long allCheckouts) {
        @Override
        public String toString() {
            return reads + " reads: reading thread " + readerStatements + " statements, " + readerCheckouts
                    + " checkouts; all threads " + allStatements + " statements, " + allCheckouts + " checkouts ("
                    + String.format(java.util.Locale.ROOT, "%.2f", (double) allStatements / reads) + " statements and "
                    + String.format(java.util.Locale.ROOT, "%.2f", (double) allCheckouts / reads) + " checkouts per read)";
        }
    }

    /** Counts per thread. */
    private static final class Counter {
        private final ConcurrentHashMap<Thread, AtomicLong> byThread = new ConcurrentHashMap<>();

        void add() {
            byThread.computeIfAbsent(Thread.currentThread(), t -> new AtomicLong()).incrementAndGet();
        }

        long on(Thread thread) {
            AtomicLong count = byThread.get(thread);
            return count == null ? 0 : count.get();
        }

        long total() {
            return byThread.values().stream().mapToLong(AtomicLong::get).sum();
        }

        void reset() {
            byThread.clear();
        }
    }
}
