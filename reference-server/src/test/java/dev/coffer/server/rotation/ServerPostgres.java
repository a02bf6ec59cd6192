package dev.coffer.server.rotation;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The PostgreSQL the server-process tests run {@code coffer serve --db} against: 127.0.0.1:5432
 * ({@code -Dcoffer.test.postgres=host:port} elsewhere), user {@code postgres}, trust
 * authentication, as secrets-jdbi's tests use it. As an extension it skips a class with a printed
 * reason when the server does not answer, unless {@code CI=true}, where that fails the build.
 */
public final class ServerPostgres implements ExecutionCondition {
    static final String ADDRESS = System.getProperty("coffer.test.postgres", "127.0.0.1:5432");
    private static final AtomicBoolean TOLD = new AtomicBoolean();

    /** A fresh empty database with a random name. */
    public static String createDatabase() {
        String name = "coffer_proc_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        admin("CREATE DATABASE " + name);
        return name;
    }

    /** Drops {@code name}, disconnecting whoever is still connected. */
    public static void dropDatabase(String name) {
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    /** The JDBC URL of database {@code name}, for {@code --db}. */
    public static String url(String name) {
        return "jdbc:postgresql://" + ADDRESS + "/" + name;
    }

    /** A connection to database {@code name} as the superuser, to look at what the servers stored. */
    public static Connection connect(String name) throws SQLException {
        return DriverManager.getConnection(url(name) + "?connectTimeout=3", "postgres", null);
    }

    private static void admin(String statement) {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL statement failed: " + statement, e);
        }
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        try {
            connect("postgres").close();
            return ConditionEvaluationResult.enabled("PostgreSQL answers at " + ADDRESS);
        } catch (SQLException e) {
            String reason = "PostgreSQL at " + ADDRESS + " is unreachable (" + e.getMessage() + ")";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(reason + "; with CI=true the PostgreSQL tests must run");
            }
            if (TOLD.compareAndSet(false, true)) {
                System.out.println("[reference-server] skipping the server-process PostgreSQL tests: " + reason
                        + ". Start PostgreSQL to run them; with CI=true this is a failure.");
            }
            return ConditionEvaluationResult.disabled(reason);
        }
    }
}
