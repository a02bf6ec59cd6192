package dev.coffer.jdbi.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.postgresql.util.PasswordUtil;

/**
 * The PostgreSQL cluster that checks passwords, for tests that prove a credential logs in or no
 * longer does: {@code .ci/pg-scram-cluster} starts it at 127.0.0.1:5433 with
 * {@code scram-sha-256} for every role but the superuser {@code postgres} (which gets in from
 * 127.0.0.1 without a password, so that tests can set themselves up). The main cluster at 5432
 * trusts every connection and proves nothing about passwords.
 *
 * <p>{@code COFFER_PG_SCRAM_URL=host:port} (or {@code -Dcoffer.test.postgres.scram}) points the
 * tests elsewhere. {@link UseScramPostgres} skips a test class when the cluster is absent, or fails
 * it with {@code CI=true}.
 */
public final class ScramPostgres {
    /** Where the cluster is. */
    public static final String ADDRESS = address();
    private static final String SUPERUSER = "postgres";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ScramPostgres() {}

    private static String address() {
        String env = System.getenv("COFFER_PG_SCRAM_URL");
        if (env != null && !env.isBlank()) {
            return env.replaceFirst("^(jdbc:)?postgresql://", "").replaceFirst("/.*$", "");
        }
        return System.getProperty("coffer.test.postgres.scram", "127.0.0.1:5433");
    }

    /** The host part of {@link #ADDRESS}. */
    public static String host() {
        return ADDRESS.substring(0, ADDRESS.lastIndexOf(':'));
    }

    /** The port part of {@link #ADDRESS}. */
    public static int port() {
        return Integer.parseInt(ADDRESS.substring(ADDRESS.lastIndexOf(':') + 1));
    }

    /** A connection to {@code database} as the superuser. */
    public static Connection superuser(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + ADDRESS + "/" + database + "?connectTimeout=3", SUPERUSER, null);
    }

    /** A connection to {@code database} as {@code user} with {@code password}, through SCRAM. */
    public static Connection login(String database, String user, String password) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + ADDRESS + "/" + database + "?connectTimeout=3", user, password);
    }

    /**
     * {@code null} if the cluster answers and checks passwords, else why not: a role that does not
     * exist must be refused with {@code 28P01} (SCRAM's answer), not {@code 28000} (trust's).
     */
    public static String unreachableBecause() {
        try (Connection c = superuser("postgres"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW password_encryption")) {
            rs.next();
            if (!"scram-sha-256".equals(rs.getString(1))) {
                return "password_encryption is " + rs.getString(1) + ", not scram-sha-256";
            }
        } catch (SQLException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage() + " (run .ci/pg-scram-cluster as root)";
        }
        try {
            login("postgres", "coffer_probe_" + random(8), "not-the-password").close();
            return "a role that does not exist logged in: the cluster does not check passwords";
        } catch (SQLException e) {
            if (!"28P01".equals(e.getSQLState())) {
                return "a wrong password was answered with SQLState " + e.getSQLState() + ", not 28P01; pg_hba.conf must say scram-sha-256";
            }
        }
        return null;
    }

    /** Random lowercase letters and digits. */
    public static String random(int length) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    /** The server's log file (what {@code pg_current_logfile()} says), for tests that scan it. */
    public static Path logFile() {
        try (Connection c = superuser("postgres"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_current_logfile(), current_setting('data_directory')")) {
            rs.next();
            String file = rs.getString(1);
            if (file == null) {
                throw new IllegalStateException("the SCRAM cluster logs to no file; logging_collector must be on (.ci/pg-scram-cluster)");
            }
            Path p = Path.of(file);
            return p.isAbsolute() ? p : Path.of(rs.getString(2)).resolve(p);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot ask the SCRAM cluster for its log file", e);
        }
    }

    /** The log file's text from byte {@code offset} on. */
    public static String logSince(long offset) {
        try {
            byte[] all = Files.readAllBytes(logFile());
            int from = (int) Math.min(offset, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The log file's size now. */
    public static long logSize() {
        try {
            return Files.size(logFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh database and the roles created for it, all dropped on {@link #close()}. */
    public static Sandbox sandbox() {
        return new Sandbox();
    }

    /** A database of its own on the SCRAM cluster, and roles that are dropped with it. */
    public static final class Sandbox implements AutoCloseable {
        private final String database = "coffer_rot_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        private final String prefix = "r" + random(6) + "_";
        private final List<String> roles = new ArrayList<>();

        private Sandbox() {
            admin("postgres", "CREATE DATABASE " + database);
        }

        /** The database's name. */
        public String database() {
            return database;
        }

        /** A unique role name starting with {@code name}; {@link #close()} drops it (and its {@code _clone}). */
        public String roleName(String name) {
            String role = prefix + name;
            roles.add(role + "_clone");
            roles.add(role);
            return role;
        }

        /** Creates role {@code name} (made unique) with {@code attributes} ("LOGIN", "LOGIN CREATEROLE", ...) and password. */
        public String createRole(String name, String attributes, String password) {
            String role = roleName(name);
            // As a SCRAM verifier computed here: the statement (which the driver logs at FINEST, and
            // the leak scan turns logging all the way up) never holds the password.
            String verifier = PasswordUtil.encodeScramSha256(password.toCharArray());
            admin(database, "CREATE ROLE " + role + " " + attributes + " PASSWORD '" + verifier + "'");
            return role;
        }

        /** Runs statements on the sandbox database as the superuser. */
        public void sql(String... statements) {
            for (String statement : statements) {
                admin(database, statement);
            }
        }

        /** The SCRAM verifier (or whatever {@code pg_authid.rolpassword} holds) of {@code role}, or {@code null}. */
        public String storedPassword(String role) {
            try (Connection c = superuser(database);
                    var s = c.prepareStatement("SELECT rolpassword FROM pg_authid WHERE rolname = ?")) {
                s.setString(1, role);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Whether {@code role} exists. */
        public boolean roleExists(String role) {
            try (Connection c = superuser(database);
                    var s = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
                s.setString(1, role);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            admin("postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            for (String role : roles) {
                admin("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'");
                admin("postgres", "DROP ROLE IF EXISTS " + role);
            }
        }
    }

    private static void admin(String database, String statement) {
        try (Connection c = superuser(database); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            // The statement may hold a test password: name its first word only.
            throw new IllegalStateException("SCRAM cluster statement failed: " + statement.split(" ", 2)[0]
                    + " ... (SQLState " + e.getSQLState() + ")");
        }
    }
}
