package dev.coffer.server.bench;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;

/**
 * The PostgreSQL server a run measures: whether it answers, and fresh databases on it
 * ({@code coffer_bench_<random>}) that {@link Database#close()} drops, connections and all.
 *
 * @param serverUrl the JDBC URL up to and including the {@code /} before the database name
 * @param user the user
 * @param password the password, or null (trust authentication)
 */
record Postgres(String serverUrl, String user, String password) {
    private static final int LOGIN_TIMEOUT_SECONDS = 5;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Whether the server answers (it is asked for its {@code postgres} database); the reason why not, else null. */
    String unreachableReason() {
        try (Connection c = connect("postgres")) {
            return null;
        } catch (SQLException e) {
            return "SQLState " + e.getSQLState() + ": " + e.getMessage();
        }
    }

    /** A new, empty database. */
    Database create() throws SQLException {
        String name = "coffer_bench_" + HexFormat.of().formatHex(bytes());
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return new Database(this, name);
    }

    private static byte[] bytes() {
        byte[] b = new byte[5];
        RANDOM.nextBytes(b);
        return b;
    }

    /** A connection to {@code database}. */
    Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("loginTimeout", String.valueOf(LOGIN_TIMEOUT_SECONDS));
        props.setProperty("ApplicationName", "coffer-bench");
        return DriverManager.getConnection(serverUrl + database, props);
    }

    /** The host and port of the server URL, for pgbench: {@code [host, port]}. */
    String[] hostPort() {
        java.net.URI uri = java.net.URI.create(serverUrl.substring("jdbc:".length()));
        return new String[] {uri.getHost(), String.valueOf(uri.getPort() < 0 ? 5432 : uri.getPort())};
    }

    /** A database of the run; closing drops it, ending any connection still on it. */
    record Database(Postgres server, String name) implements AutoCloseable {
        /** The JDBC URL a server is given with {@code --db}. */
        String jdbcUrl() {
            return server.serverUrl() + name;
        }

        Connection connect() throws SQLException {
            return server.connect(name);
        }

        @Override
        public void close() throws SQLException {
            try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        }
    }
}
