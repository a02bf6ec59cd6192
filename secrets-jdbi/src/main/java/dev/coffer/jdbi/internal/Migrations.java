package dev.coffer.jdbi.internal;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * The schema's Flyway migrations: {@value #COMMON} for both databases, plus
 * {@code db/migration/postgresql} for what only PostgreSQL needs (code-point collation).
 * Operators who migrate separately point Flyway at the same two locations of this jar.
 */
public final class Migrations {
    /** Migrations that run on PostgreSQL and H2 alike. */
    public static final String COMMON = "classpath:db/migration/common";
    /** Migrations for the database at hand: {@code {vendor}} is {@code postgresql} or {@code h2} (resolved in {@link #migrate}). */
    public static final String VENDOR = "classpath:db/migration/{vendor}";

    private Migrations() {}

    /** Brings the schema up to date; returns the number of migrations applied. */
    public static int migrate(DataSource dataSource, String schema) {
        // The vendor location is resolved here, not by Flyway's {vendor} placeholder: Flyway scans the
        // raw placeholder too, and on Open Liberty every location it cannot resolve is an ERROR line.
        String vendorLocation = VENDOR.replace("{vendor}", vendor(dataSource));
        FluentConfiguration config = Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations(COMMON, vendorLocation)
                .failOnMissingLocations(false);
        if (schema != null) {
            config.schemas(schema).defaultSchema(schema).createSchemas(true);
        }
        try {
            return config.load().migrate().migrationsExecuted;
        } catch (FlywayException e) {
            throw new UnavailableException(ErrorCode.STORE_UNAVAILABLE, "migrating the Coffer schema failed: " + e.getMessage(), e);
        }
    }

    private static String vendor(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            return product.contains("postgres") ? "postgresql" : product.contains("h2") ? "h2" : product.replace(' ', '-');
        } catch (SQLException e) {
            throw new UnavailableException(ErrorCode.STORE_UNAVAILABLE,
                    "migrating the Coffer schema failed: the database did not answer (SQLState " + e.getSQLState() + ")", e);
        }
    }

    /**
     * Checks, with migrations off, that the schema exists: a clear message at start-up beats
     * every call failing later.
     */
    public static void requireSchema(DataSource dataSource) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeQuery("SELECT keyed_from FROM audit_head WHERE id = 1").close();
        } catch (SQLException e) {
            throw new UnavailableException(ErrorCode.STORE_UNAVAILABLE, "the Coffer schema is missing or unreadable (SQLState "
                    + e.getSQLState() + "); migrate it first, with migrations at start-up or with Flyway and the locations "
                    + COMMON + " and " + VENDOR, e);
        }
    }
}
