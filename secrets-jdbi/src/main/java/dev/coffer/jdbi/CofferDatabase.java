package dev.coffer.jdbi;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.coffer.jdbi.internal.AuditListener;
import dev.coffer.jdbi.internal.Database;
import dev.coffer.jdbi.internal.H2Housekeeping;
import dev.coffer.jdbi.internal.LocalChanges;
import dev.coffer.jdbi.internal.Migrations;
import dev.coffer.jdbi.internal.OpenFailures;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.SecretsException;
import dev.coffer.spi.error.UnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * Coffer's durable storage on one database: opens the connection pools, migrates the schema
 * (unless told not to) and hands out the SPI implementations, which share the database. The
 * secret, policy and rotation stores write the audit events of each change (what the kernel's
 * {@link dev.coffer.spi.store.BeforeCommit} hook returns) into the audit log's chain inside the
 * change's own transaction, so their {@link dev.coffer.spi.store.AuditOutbox} is
 * {@link dev.coffer.spi.store.AuditOutbox#none()}: nothing waits to be relayed. The audit log is
 * keyed and anchored as {@link AuditProtection} says. Close it to stop the audit committer, take a
 * last audit checkpoint and close the pools.
 *
 * <pre>{@code
 * try (CofferDatabase db = CofferDatabase.open(DatabaseConfig.h2File(Path.of("coffer-data")), protection)) {
 *     SecretManager manager = StandardSecretManager.builder()
 *             .secretStore(db.secretStore())
 *             .policyStore(db.policyStore())
 *             .auditLog(db.auditLog())
 *             .envelope(new JdkEnvelope(db.tenantKeyStore()))
 *             .build();
 * }
 * }</pre>
 *
 * <p>Several instances (several server processes) may share one PostgreSQL database: version
 * numbers, alias moves, tenant keys and the audit sequence stay consistent across them.
 */
public final class CofferDatabase implements AutoCloseable {
    private final DatabaseConfig config;
    private final HikariDataSource mainPool;
    private final HikariDataSource keyPool;
    private final JdbiSecretStore secretStore;
    private final JdbiTenantKeyStore tenantKeyStore;
    private final JdbiAuditLog auditLog;
    private final JdbiPolicyStore policyStore;
    private final JdbiRotationStore rotationStore;
    private final JdbiInstallation installation;
    // Embedded H2 only: keeps the file proportional to its data (null on PostgreSQL).
    /**
     * The system property that turns the embedded H2 file's housekeeping off ({@code false}; on
     * by default); see docs/storage.md. Only for measuring what it costs: without it the file
     * grows with every commit.
     */
    public static final String HOUSEKEEPING_PROPERTY = "coffer.h2.housekeeping";

    private final H2Housekeeping housekeeping;
    private final LocalChanges localChanges;

    private CofferDatabase(DatabaseConfig config, HikariDataSource mainPool, HikariDataSource keyPool,
            AuditProtection protection, LocalChanges localChanges) {
        this.config = config;
        this.mainPool = mainPool;
        this.keyPool = keyPool;
        this.localChanges = localChanges;
        Database db = new Database(mainPool, keyPool, localChanges);
        this.tenantKeyStore = new JdbiTenantKeyStore(db);
        // The keys may be derived from a keyset in the tenant key store, so the log opens second.
        this.auditLog = new JdbiAuditLog(db, config.groupCommit(), protection.keys(tenantKeyStore), protection.anchor(),
                config.isPostgres() ? listenConnector(config) : null);
        // The stores write their changes' audit events into the log's chain in their own transactions.
        Database audited = db.withChain(auditLog.inTransaction());
        this.secretStore = new JdbiSecretStore(audited);
        this.policyStore = new JdbiPolicyStore(audited);
        this.rotationStore = new JdbiRotationStore(audited);
        this.installation = new JdbiInstallation(audited);
        this.housekeeping = config.isPostgres() || "false".equalsIgnoreCase(System.getProperty(HOUSEKEEPING_PROPERTY)) ? null
                : H2Housekeeping.start(mainPool, config.jdbcUrl().toUpperCase(Locale.ROOT).contains(";RETENTION_TIME="));
    }

    /**
     * Connects and, if {@link DatabaseConfig#migrateOnStart()}, migrates the schema; then resolves
     * the audit keys and takes a first audit checkpoint.
     *
     * @throws dev.coffer.spi.error.UnavailableException {@code STORE_UNAVAILABLE} when the
     *         database cannot be reached, migrated, or (with migrations off) has no schema;
     *         {@code AUDIT_UNAVAILABLE} when the first checkpoint cannot be written
     */
    public static CofferDatabase open(DatabaseConfig config, AuditProtection protection) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(protection, "protection");
        HikariDataSource mainPool = null;
        HikariDataSource keyPool = null;
        LocalChanges local = null;
        try {
            mainPool = pool(config, "coffer-main", config.poolSize());
            keyPool = pool(config, "coffer-keys", 2);
            if (config.migrateOnStart()) {
                Migrations.migrate(mainPool, config.schema());
            } else {
                Migrations.requireSchema(mainPool);
            }
            local = config.isPostgres() ? null : LocalChanges.acquire(mainPool, config.jdbcUrl());
            return new CofferDatabase(config, mainPool, keyPool, protection, local);
        } catch (SQLException e) {
            closeAll(local, keyPool, mainPool);
            throw new UnavailableException(ErrorCode.STORE_UNAVAILABLE,
                    "cannot open the Coffer database " + config.safeUrl() + ": " + OpenFailures.describe(e), e);
        } catch (RuntimeException e) {
            closeAll(local, keyPool, mainPool);
            throw e instanceof SecretsException ? e : new UnavailableException(ErrorCode.STORE_UNAVAILABLE,
                    "cannot open the Coffer database " + config.safeUrl() + ": " + OpenFailures.describe(e), e);
        }
    }

    // What open() had made when it failed, given back.
    private static void closeAll(LocalChanges local, HikariDataSource keyPool, HikariDataSource mainPool) {
        if (local != null) {
            local.release();
        }
        if (keyPool != null) {
            keyPool.close();
        }
        if (mainPool != null) {
            mainPool.close();
        }
    }

    private static HikariDataSource pool(DatabaseConfig config, String name, int size) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName(name);
        hikari.setJdbcUrl(config.jdbcUrl());
        knownDriver(config.jdbcUrl()).ifPresent(hikari::setDriverClassName);
        hikari.setUsername(config.user());
        hikari.setPassword(config.password());
        hikari.setMaximumPoolSize(size);
        hikari.setMinimumIdle(Math.min(2, size));
        // Fail a call within seconds when the database is gone, instead of hanging it.
        hikari.setConnectionTimeout(10_000);
        if (config.schema() != null) {
            hikari.setSchema(config.schema());
        }
        config.metricsTrackerFactory().ifPresent(hikari::setMetricsTrackerFactory);
        return new HikariDataSource(hikari);
    }

    /**
     * The audit log's LISTEN connection: one per log, outside the pools (it is held for good and
     * must never take a connection the stores need), with the pools' URL and credentials, named
     * {@value AuditListener#APPLICATION_NAME} in {@code pg_stat_activity} unless the URL names
     * the application itself. The driver is called directly, as the pools load it, not through
     * {@code DriverManager}.
     */
    private static AuditListener.Connector listenConnector(DatabaseConfig config) {
        return () -> {
            Properties props = new Properties();
            if (config.user() != null) {
                props.setProperty("user", config.user());
            }
            if (config.password() != null) {
                props.setProperty("password", config.password());
            }
            props.setProperty("ApplicationName", AuditListener.APPLICATION_NAME);
            props.setProperty("connectTimeout", "10");
            Connection c = new org.postgresql.Driver().connect(config.jdbcUrl(), props);
            if (c == null) {
                throw new SQLException("the PostgreSQL driver does not accept the URL " + config.safeUrl());
            }
            return c;
        };
    }

    /**
     * The driver class for the two supported databases. Naming it makes Hikari load the driver
     * from this class loader instead of asking {@code DriverManager}, which in an application
     * server registers drivers once per JVM: after a redeploy it only knows the undeployed
     * application's copies and answers "No suitable driver".
     */
    private static java.util.Optional<String> knownDriver(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return java.util.Optional.of("org.postgresql.Driver");
        }
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            return java.util.Optional.of("org.h2.Driver");
        }
        return java.util.Optional.empty();
    }

    /** The secret store (metadata, versions, aliases). */
    public JdbiSecretStore secretStore() {
        return secretStore;
    }

    /** The wrapped tenant keys, for the envelope. */
    public JdbiTenantKeyStore tenantKeyStore() {
        return tenantKeyStore;
    }

    /** The keyed, anchored audit log. */
    public JdbiAuditLog auditLog() {
        return auditLog;
    }

    /** Policies and break-glass grants. */
    public JdbiPolicyStore policyStore() {
        return policyStore;
    }

    /**
     * The rotation engine's policies, runs and claims; its changes' audit events go into this
     * database's audit chain in the same transaction, like the other stores'.
     */
    public JdbiRotationStore rotationStore() {
        return rotationStore;
    }

    /** What was done once for this database (e.g. a server's first-start bootstrap). */
    public JdbiInstallation installation() {
        return installation;
    }

    /** The main connection pool, for health checks and operational queries. */
    public DataSource dataSource() {
        return mainPool;
    }

    // The embedded H2 database's housekeeping, or null on PostgreSQL (tests, benchmarks).
    H2Housekeeping housekeeping() {
        return housekeeping;
    }

    /** The configuration this database was opened with. */
    public DatabaseConfig config() {
        return config;
    }

    /** Commits queued audit events, then closes the pools. */
    @Override
    public void close() {
        try {
            auditLog.close();
        } finally {
            try {
                if (housekeeping != null) {
                    housekeeping.close();
                }
            } finally {
                if (localChanges != null) {
                    localChanges.release();
                }
                keyPool.close();
                mainPool.close();
            }
        }
    }
}
