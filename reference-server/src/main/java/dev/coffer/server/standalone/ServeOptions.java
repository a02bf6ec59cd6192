package dev.coffer.server.standalone;

import dev.coffer.server.auth.JwtSettings;
import dev.coffer.server.jobs.RotationScheduler;
import dev.coffer.server.watch.WatchSettings;
import dev.coffer.spi.access.CidrBlock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How {@code coffer serve} runs.
 *
 * @param bind address to listen on
 * @param port port (0 picks a free one)
 * @param data the data directory
 * @param jdbcUrl the database, or {@code null} for the H2 file in the data directory
 * @param keyUri the root key, or {@code null} for the local keyset in the data directory
 * @param inMemory keep everything in memory instead (demos, tests)
 * @param trustForwardedFor take the caller's address from {@code X-Forwarded-For} when the peer is a trusted proxy
 * @param jwt token issuer, audience and bounds
 * @param trustedProxies the reverse proxies whose {@code X-Forwarded-For} is believed; required
 *        with {@code trustForwardedFor} and meaningless without it, so either alone is refused
 * @param protectedEnvironments environments where force delete is refused ({@code --protected-environment}, repeatable)
 * @param rotationWorkers how many rotations the scheduler runs at once ({@code --rotation-workers}, default
 *        {@value dev.coffer.server.jobs.RotationScheduler#DEFAULT_WORKERS}); 0 runs no scheduler ({@code --no-rotation}:
 *        policies can still be set and runs opened, and another instance on the same database drives them)
 * @param rotationClaimLease how long this instance's claim on a secret's rotation work lasts unless renewed
 *        ({@code --rotation-claim-lease}, default {@link #DEFAULT_ROTATION_CLAIM_LEASE}, 1s to 1h): how soon
 *        another instance on the same database resumes the work of one that died
 * @param rotationInterval how often the scheduler claims due rotation work ({@code --rotation-interval}, default
 *        {@link RotationScheduler#PERIOD}, 1s to 5m)
 * @param watch the change stream's limits ({@code --max-watchers}, {@code --max-watchers-per-caller},
 *        {@code --watch-heartbeat}); the heartbeat must be shorter than the HTTP idle timeout
 * @param httpThreads the HTTP worker pool ({@code --http-threads}, default {@value #DEFAULT_HTTP_THREADS},
 *        {@value #MIN_HTTP_THREADS} to {@value #MAX_HTTP_THREADS}); see {@link HttpLimits#forThreads}
 * @param dbPoolSize connections in the database pool ({@code --db-pool-size}, default
 *        {@value #DEFAULT_DB_POOL_SIZE}, 2 to 200); unused with {@code inMemory}
 */
public record ServeOptions(String bind, int port, Path data, String jdbcUrl, String keyUri, boolean inMemory,
        boolean trustForwardedFor, JwtSettings jwt, List<CidrBlock> trustedProxies, List<String> protectedEnvironments,
        int rotationWorkers, Duration rotationClaimLease, Duration rotationInterval, WatchSettings watch, int httpThreads,
        int dbPoolSize) {
    /*
     * Both defaults kept by measurement (issue #16, wrk -c16 audited reads, H2 and PostgreSQL): pools
     * of 10 and 24 connections with 200 and 32 workers all fell within the run-to-run spread, so
     * nothing justified more connections per instance on a shared database.
     */
    /** The HTTP worker pool unless {@code --http-threads} says otherwise (Jetty's own default). */
    public static final int DEFAULT_HTTP_THREADS = 200;
    /** The smallest worker pool: a few are Jetty's own (acceptor, selector), a quarter kept for health. */
    public static final int MIN_HTTP_THREADS = 16;
    /** The largest worker pool: each thread is a stack, and this box has few cores. */
    public static final int MAX_HTTP_THREADS = 2_000;
    /** The database pool unless {@code --db-pool-size} says otherwise. */
    public static final int DEFAULT_DB_POOL_SIZE = dev.coffer.jdbi.DatabaseConfig.DEFAULT_POOL_SIZE;
    /** The smallest database pool (the audit commit thread holds one while the API uses another). */
    public static final int MIN_DB_POOL_SIZE = 2;
    /** The largest database pool (PostgreSQL's own default max_connections is 100). */
    public static final int MAX_DB_POOL_SIZE = 200;

    /** The claim lease unless {@code --rotation-claim-lease} says otherwise (the kernel builder's default). */
    public static final Duration DEFAULT_ROTATION_CLAIM_LEASE = Duration.ofMinutes(2);
    /** The shortest claim lease: renewing it between steps must not be most of the work. */
    public static final Duration MIN_ROTATION_CLAIM_LEASE = Duration.ofSeconds(1);
    /** The longest claim lease: a dead instance's rotations wait at most this long for another. */
    public static final Duration MAX_ROTATION_CLAIM_LEASE = Duration.ofHours(1);

    /** The shortest scheduler interval: each tick is a query on the shared database. */
    public static final Duration MIN_ROTATION_INTERVAL = Duration.ofSeconds(1);
    /** The longest scheduler interval: due work waits at most this long to be claimed. */
    public static final Duration MAX_ROTATION_INTERVAL = Duration.ofMinutes(5);

    public ServeOptions {
        if (httpThreads < MIN_HTTP_THREADS || httpThreads > MAX_HTTP_THREADS) {
            throw new IllegalArgumentException("--http-threads must be between " + MIN_HTTP_THREADS + " and " + MAX_HTTP_THREADS
                    + ", got " + httpThreads);
        }
        if (dbPoolSize < MIN_DB_POOL_SIZE || dbPoolSize > MAX_DB_POOL_SIZE) {
            throw new IllegalArgumentException("--db-pool-size must be between " + MIN_DB_POOL_SIZE + " and " + MAX_DB_POOL_SIZE
                    + ", got " + dbPoolSize);
        }
        Objects.requireNonNull(watch, "watch");
        if (watch.heartbeat().compareTo(HttpLimits.DEFAULTS.idleTimeout()) >= 0) {
            throw new IllegalArgumentException("--watch-heartbeat must be shorter than the HTTP idle timeout ("
                    + text(HttpLimits.DEFAULTS.idleTimeout()) + "), got " + text(watch.heartbeat()));
        }
        Objects.requireNonNull(rotationInterval, "rotationInterval");
        if (rotationInterval.compareTo(MIN_ROTATION_INTERVAL) < 0 || rotationInterval.compareTo(MAX_ROTATION_INTERVAL) > 0) {
            throw new IllegalArgumentException("--rotation-interval must be between 1s and 5m, got " + text(rotationInterval));
        }
        Objects.requireNonNull(rotationClaimLease, "rotationClaimLease");
        if (rotationClaimLease.compareTo(MIN_ROTATION_CLAIM_LEASE) < 0 || rotationClaimLease.compareTo(MAX_ROTATION_CLAIM_LEASE) > 0) {
            throw new IllegalArgumentException("--rotation-claim-lease must be between 1s and 1h, got " + text(rotationClaimLease));
        }
        if (rotationWorkers < 0 || rotationWorkers > RotationScheduler.MAX_WORKERS) {
            throw new IllegalArgumentException("--rotation-workers must be between 1 and " + RotationScheduler.MAX_WORKERS
                    + " (or --no-rotation), got " + rotationWorkers);
        }
        trustedProxies = List.copyOf(Objects.requireNonNull(trustedProxies, "trustedProxies"));
        protectedEnvironments = environments(protectedEnvironments);
        if (trustForwardedFor && trustedProxies.isEmpty()) {
            throw new IllegalArgumentException("--trust-forwarded-for needs --trusted-proxy <CIDR> naming the reverse proxies "
                    + "allowed to set X-Forwarded-For (e.g. --trusted-proxy 127.0.0.1 for a proxy on this host)");
        }
        if (!trustForwardedFor && !trustedProxies.isEmpty()) {
            throw new IllegalArgumentException("--trusted-proxy has no effect without --trust-forwarded-for; add it or drop --trusted-proxy");
        }
    }

    /** Options with the default HTTP worker pool and database pool. */
    public ServeOptions(String bind, int port, Path data, String jdbcUrl, String keyUri, boolean inMemory,
            boolean trustForwardedFor, JwtSettings jwt, List<CidrBlock> trustedProxies, List<String> protectedEnvironments,
            int rotationWorkers, Duration rotationClaimLease, Duration rotationInterval, WatchSettings watch) {
        this(bind, port, data, jdbcUrl, keyUri, inMemory, trustForwardedFor, jwt, trustedProxies, protectedEnvironments,
                rotationWorkers, rotationClaimLease, rotationInterval, watch, DEFAULT_HTTP_THREADS, DEFAULT_DB_POOL_SIZE);
    }

    /** Options with the default claim lease. */
    public ServeOptions(String bind, int port, Path data, String jdbcUrl, String keyUri, boolean inMemory,
            boolean trustForwardedFor, JwtSettings jwt, List<CidrBlock> trustedProxies, List<String> protectedEnvironments,
            int rotationWorkers) {
        this(bind, port, data, jdbcUrl, keyUri, inMemory, trustForwardedFor, jwt, trustedProxies, protectedEnvironments,
                rotationWorkers, DEFAULT_ROTATION_CLAIM_LEASE, RotationScheduler.PERIOD, WatchSettings.DEFAULTS);
    }

    /** Options with the default number of rotation workers. */
    public ServeOptions(String bind, int port, Path data, String jdbcUrl, String keyUri, boolean inMemory,
            boolean trustForwardedFor, JwtSettings jwt, List<CidrBlock> trustedProxies, List<String> protectedEnvironments) {
        this(bind, port, data, jdbcUrl, keyUri, inMemory, trustForwardedFor, jwt, trustedProxies, protectedEnvironments,
                RotationScheduler.DEFAULT_WORKERS);
    }

    /** Options without protected environments. */
    public ServeOptions(String bind, int port, Path data, String jdbcUrl, String keyUri, boolean inMemory,
            boolean trustForwardedFor, JwtSettings jwt, List<CidrBlock> trustedProxies) {
        this(bind, port, data, jdbcUrl, keyUri, inMemory, trustForwardedFor, jwt, trustedProxies, List.of());
    }

    /** These options with {@code environments} protected from force delete. */
    public ServeOptions withProtectedEnvironments(List<String> environments) {
        return new ServeOptions(bind, port, data, jdbcUrl, keyUri, inMemory, trustForwardedFor, jwt, trustedProxies, environments,
                rotationWorkers, rotationClaimLease, rotationInterval, watch, httpThreads, dbPoolSize);
    }

    /** These options with {@code workers} rotation workers (0: no scheduler in this process). */
    public ServeOptions withRotationWorkers(int workers) {
        return new ServeOptions(bind, port, data, jdbcUrl, keyUri, inMemory, trustForwardedFor, jwt, trustedProxies,
                protectedEnvironments, workers, rotationClaimLease, rotationInterval, watch, httpThreads, dbPoolSize);
    }

    /** These options with claims on rotation work leased for {@code lease} ({@code --rotation-claim-lease}). */
    public ServeOptions withRotationClaimLease(Duration lease) {
        return new ServeOptions(bind, port, data, jdbcUrl, keyUri, inMemory, trustForwardedFor, jwt, trustedProxies,
                protectedEnvironments, rotationWorkers, lease, rotationInterval, watch, httpThreads, dbPoolSize);
    }

    /** These options with the scheduler claiming due rotation work every {@code interval} ({@code --rotation-interval}). */
    public ServeOptions withRotationInterval(Duration interval) {
        return new ServeOptions(bind, port, data, jdbcUrl, keyUri, inMemory, trustForwardedFor, jwt, trustedProxies,
                protectedEnvironments, rotationWorkers, rotationClaimLease, interval, watch, httpThreads, dbPoolSize);
    }

    /** These options with the change stream within {@code settings}. */
    public ServeOptions withWatch(WatchSettings settings) {
        return new ServeOptions(bind, port, data, jdbcUrl, keyUri, inMemory, trustForwardedFor, jwt, trustedProxies,
                protectedEnvironments, rotationWorkers, rotationClaimLease, rotationInterval, settings, httpThreads, dbPoolSize);
    }

    /** These options with an HTTP worker pool of {@code threads} ({@code --http-threads}). */
    public ServeOptions withHttpThreads(int threads) {
        return new ServeOptions(bind, port, data, jdbcUrl, keyUri, inMemory, trustForwardedFor, jwt, trustedProxies,
                protectedEnvironments, rotationWorkers, rotationClaimLease, rotationInterval, watch, threads, dbPoolSize);
    }

    /** These options with {@code size} database connections ({@code --db-pool-size}). */
    public ServeOptions withDbPoolSize(int size) {
        return new ServeOptions(bind, port, data, jdbcUrl, keyUri, inMemory, trustForwardedFor, jwt, trustedProxies,
                protectedEnvironments, rotationWorkers, rotationClaimLease, rotationInterval, watch, httpThreads, size);
    }

    /** The HTTP layer's limits for these options. */
    public HttpLimits httpLimits() {
        return HttpLimits.forThreads(httpThreads);
    }

    private static String text(Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    private static List<String> environments(List<String> names) {
        for (String name : Objects.requireNonNull(names, "protectedEnvironments")) {
            try {
                dev.coffer.spi.model.SecretPath.requireEnvironment(name);
            } catch (dev.coffer.spi.error.InvalidRequestException e) {
                throw new IllegalArgumentException("--protected-environment: " + e.getMessage(), e);
            }
        }
        return List.copyOf(names);
    }

    /** Options without trusted proxies (and so without {@code X-Forwarded-For}). */
    public ServeOptions(String bind, int port, Path data, String jdbcUrl, String keyUri, boolean inMemory,
            boolean trustForwardedFor, JwtSettings jwt) {
        this(bind, port, data, jdbcUrl, keyUri, inMemory, trustForwardedFor, jwt, List.of());
    }

    /** The proxies the source-address filter trusts. */
    public TrustedProxies proxies() {
        return trustForwardedFor ? TrustedProxies.of(trustedProxies) : TrustedProxies.none();
    }
}
