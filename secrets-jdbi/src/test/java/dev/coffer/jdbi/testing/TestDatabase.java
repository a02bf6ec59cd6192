package dev.coffer.jdbi.testing;

import dev.coffer.jdbi.AuditProtection;
import dev.coffer.jdbi.CofferDatabase;
import dev.coffer.jdbi.DatabaseConfig;
import dev.coffer.jdbi.internal.AuditRows;
import dev.coffer.jdbi.internal.LocalChanges;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditAnchor;
import dev.coffer.spi.audit.AuditChain;
import dev.coffer.spi.audit.AuditCheckpoint;
import dev.coffer.spi.audit.AuditKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;

/**
 * A database of its own for a test run: created once, migrated once, emptied before each test
 * ({@link #reset()}), dropped at the end. PostgreSQL gets a fresh {@code coffer_test_<random>}
 * database on 127.0.0.1:5432; H2 a file database in a temporary directory.
 */
public final class TestDatabase implements AutoCloseable {
    // Child tables first, so that foreign keys never object.
    private static final String[] TABLES = {"rotation_params", "rotation_policies", "rotation_runs", "audit_events", "secret_aliases", "secret_versions", "secrets", "retired_secrets",
        "break_glass_grants", "policies", "tenant_keys", "tenants", "installation_steps"};
    // The PostgreSQL driver logs every protocol message at FINEST through java.util.logging, which
    // the leak scanner turns all the way up; keep the strong reference so the level sticks.
    private static final Logger PGJDBC = Logger.getLogger("org.postgresql");

    static {
        PGJDBC.setLevel(Level.INFO);
    }

    private final String name;
    private final Checkpoints checkpoints = new Checkpoints();
    // Keys outside the database, as in production; one set per test database so that a second
    // instance opened on it (cluster tests, reopen tests) chains and verifies alike.
    private final AuditProtection protection = AuditProtection.of(AuditKeys.random(), checkpoints);
    private final DatabaseConfig config;
    private final CofferDatabase db;
    private final Jdbi sql;
    private final Runnable drop;
    private boolean closed;

    private TestDatabase(String name, DatabaseConfig config, Runnable drop) {
        this.name = name;
        this.config = config;
        this.drop = drop;
        CofferDatabase opened;
        try {
            opened = CofferDatabase.open(config, protection);
        } catch (RuntimeException e) {
            drop.run();
            throw e;
        }
        this.db = opened;
        this.sql = Jdbi.create(db.dataSource());
    }

    /** A fresh PostgreSQL database, dropped on {@link #close()}. */
    public static TestDatabase postgres() {
        String name = PostgresServer.createDatabase();
        return new TestDatabase(name, PostgresServer.config(name).build(), () -> PostgresServer.dropDatabase(name));
    }

    /** A fresh H2 file database in a temporary directory, deleted on {@link #close()}. */
    public static TestDatabase h2() {
        try {
            Path dir = Files.createTempDirectory("coffer-h2-test");
            return new TestDatabase(dir.toString(), DatabaseConfig.h2File(dir), () -> deleteTree(dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shared database, emptied: every table without rows, the audit head at the start, no checkpoint. */
    public CofferDatabase reset() {
        // The log's checkpoint() is synchronized on the log: holding its monitor keeps a periodic
        // checkpoint of the old head from landing after the anchor is cleared.
        synchronized (db.auditLog()) {
            // Plain SQL behind the stores: on embedded H2 it is counted as a change, as the stores'
            // own are, or their caches would answer the next test with the last one's rows.
            LocalChanges local = localChanges();
            if (local != null) {
                local.begin();
            }
            try {
                sql.useTransaction(h -> {
                    for (String table : TABLES) {
                        h.execute("DELETE FROM " + table);
                    }
                    h.createUpdate("UPDATE audit_head SET last_seq = 0, last_hash = :genesis, keyed_from = 1 WHERE id = 1")
                            .bind("genesis", AuditChain.GENESIS).execute();
                });
            } finally {
                if (local != null) {
                    local.end();
                    local.release();
                }
            }
            // As a log opened on the emptied database would: checkpoint the empty head, which also
            // restarts the count of events to the next automatic checkpoint (the contract's
            // checkpointsEvery() counts from a fresh log); then forget that checkpoint too.
            db.auditLog().checkpoint();
            checkpoints.clear();
        }
        return db;
    }

    // The change counter the open instances share on embedded H2 (released by the caller); null on PostgreSQL.
    private LocalChanges localChanges() {
        try {
            return LocalChanges.acquire(db.dataSource(), config.jdbcUrl());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the test database", e);
        }
    }

    /** How the test database's audit log is keyed and anchored; open further instances with it. */
    public AuditProtection protection() {
        return protection;
    }

    /** The checkpoints the test database's logs recorded (outside the database). */
    public List<AuditCheckpoint> checkpoints() {
        return checkpoints.checkpoints();
    }

    /**
     * Every event in {@code audit_events}, in seq order, read behind the log's back: what the
     * stores committed with their changes (their outbox is {@code AuditOutbox.none()}), for the
     * TCK's {@code committedAuditEvents}.
     */
    public List<AuditEvent> auditEvents() {
        return sql.withHandle(h -> h.createQuery("SELECT " + AuditRows.COLUMNS + " FROM audit_events ORDER BY seq")
                .map(AuditRows::event).list());
    }

    /** The database, as it is. */
    public CofferDatabase db() {
        return db;
    }

    /** Plain SQL on the database, behind Coffer's back (tampering, checks). */
    public Jdbi sql() {
        return sql;
    }

    /** How the shared instance was opened; {@code toBuilder()} it to open another instance. */
    public DatabaseConfig config() {
        return config;
    }

    /** The database name (PostgreSQL) or directory (H2). */
    public String name() {
        return name;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            db.close();
        } finally {
            drop.run();
        }
    }

    /** Deletes a directory tree; used for H2 directories. */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An anchor in memory that {@link #reset()} can empty. */
    private static final class Checkpoints implements AuditAnchor {
        private final List<AuditCheckpoint> recorded = new ArrayList<>();

        @Override
        public synchronized void record(AuditCheckpoint checkpoint) {
            recorded.add(checkpoint);
        }

        @Override
        public synchronized List<AuditCheckpoint> checkpoints() {
            return List.copyOf(recorded);
        }

        synchronized void clear() {
            recorded.clear();
        }
    }
}
