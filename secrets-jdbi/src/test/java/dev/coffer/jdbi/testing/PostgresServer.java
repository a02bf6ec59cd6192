package dev.coffer.jdbi.testing;

import dev.coffer.jdbi.DatabaseConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * The PostgreSQL the tests use: 127.0.0.1:5432, database {@code postgres}, user {@code postgres}
 * without password (trust authentication), as on the developer machines and in CI. Tests create
 * and drop databases of their own on it.
 */
public final class PostgresServer {
    /** Where the server is; {@code -Dcoffer.test.postgres=host:port} points the tests elsewhere. */
    public static final String ADDRESS = System.getProperty("coffer.test.postgres", "127.0.0.1:5432");
    private static final String USER = "postgres";

    private PostgresServer() {}

    /** A connection to database {@code database} as the superuser. */
    public static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + ADDRESS + "/" + database + "?connectTimeout=3", USER, null);
    }

    /** {@code null} if the server answers, else why not. */
    public static String unreachableBecause() {
        try {
            connect("postgres").close();
            return null;
        } catch (SQLException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    /** Creates an empty database with a random name and returns the name. */
    public static String createDatabase() {
        String name = "coffer_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        admin("CREATE DATABASE " + name);
        return name;
    }

    /** Drops a database, disconnecting whoever is still connected. */
    public static void dropDatabase(String name) {
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    /** How Coffer connects to database {@code name}; pools are kept small, several instances run at once. */
    public static DatabaseConfig.Builder config(String name) {
        return DatabaseConfig.builder("jdbc:postgresql://" + ADDRESS + "/" + name).user(USER).poolSize(8);
    }

    /** Runs one statement on the {@code postgres} database, e.g. {@code pg_terminate_backend}. */
    public static void admin(String statement) {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL statement failed: " + statement, e);
        }
    }
}
