package dev.coffer.jdbi.downstream;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.Credentials;
import jakarta.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * An application holding a HikariCP pool on the rotated credential: one thread runs a query on the
 * table the role was granted, back to back, and evicts the pool every few queries so that new
 * connections (new logins) are made all the time. A second thread polls where the application
 * gets its credential ({@code current}: a holder, or {@code SecretManager.read}) and, when it
 * changed, swaps the pool's credentials atomically ({@link com.zaxxer.hikari.HikariConfigMXBean#setCredentials}, so that no connection is
 * ever made with the new username and the old password) and evict the connections made with the
 * old one as they are returned.
 */
final class ProbeApp implements AutoCloseable {
    private static final int EVICT_EVERY = 5;
    private static final int POLL_MILLIS = 10;

    private final HikariDataSource pool;
    private final Thread worker;
    private final Thread watcher;
    private final AtomicInteger swaps = new AtomicInteger();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Map<String, AtomicInteger> failuresByState = new ConcurrentHashMap<>();
    private volatile boolean stopped;
    private volatile String phase = "start";

    ProbeApp(String jdbcUrl, Supplier<String> current, String table) {
        String first = current.get();
        JsonObject c = StepContext.parse(first);
        HikariConfig config = new HikariConfig();
        config.setPoolName("probe-app");
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(c.getString("username"));
        config.setPassword(c.getString("password"));
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(250); // Hikari's minimum: a login that fails is counted soon
        config.setValidationTimeout(250);
        pool = new HikariDataSource(config);
        worker = new Thread(() -> run(table), "probe-app-queries");
        worker.setDaemon(true);
        worker.start();
        watcher = new Thread(() -> watch(current, first), "probe-app-credentials");
        watcher.setDaemon(true);
        watcher.start();
    }

    private void watch(Supplier<String> current, String first) {
        String known = first;
        while (!stopped) {
            String now = current.get();
            if (!now.equals(known)) {
                credentialChanged(now);
                known = now;
                swaps.incrementAndGet();
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void run(String table) {
        long n = 0;
        while (!stopped) {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                rs.next();
                succeeded.incrementAndGet();
            } catch (SQLException e) {
                if (stopped) {
                    return;
                }
                failed.incrementAndGet();
                // Counted in the phase the failure is seen in: a query begun just before apply may log in
                // (and fail) just after it, but no failure can be seen before the first apply.
                failuresByState.computeIfAbsent(phase + ":" + rootState(e), k -> new AtomicInteger()).incrementAndGet();
            }
            if (++n % EVICT_EVERY == 0) {
                pool.getHikariPoolMXBean().softEvictConnections();
            }
        }
    }

    /** Names what the rotation is doing now; failures are counted by phase. */
    void phase(String name) {
        phase = name;
    }

    /** How often the application has swapped its credentials. */
    int swaps() {
        return swaps.get();
    }

    private void credentialChanged(String credentialJson) {
        JsonObject c = StepContext.parse(credentialJson);
        pool.getHikariConfigMXBean().setCredentials(Credentials.of(c.getString("username"), c.getString("password")));
        pool.getHikariPoolMXBean().softEvictConnections();
    }

    long succeeded() {
        return succeeded.get();
    }

    long failed() {
        return failed.get();
    }

    /** Failed queries by {@code phase:SQLState} (the SQLState at the root of their exception). */
    Map<String, Integer> failuresByState() {
        Map<String, Integer> out = new TreeMap<>();
        failuresByState.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    private static String rootState(SQLException e) {
        String state = e.getSQLState();
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                state = s.getSQLState();
            }
        }
        return String.valueOf(state);
    }

    @Override
    public void close() {
        stopped = true;
        try {
            worker.join(10_000);
            watcher.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.close();
    }
}
