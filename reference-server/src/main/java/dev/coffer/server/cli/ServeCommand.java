package dev.coffer.server.cli;

import dev.coffer.server.auth.JwtSettings;
import dev.coffer.server.auth.TokenBounds;
import dev.coffer.server.standalone.AddressInUseException;
import dev.coffer.server.standalone.Coffer;
import dev.coffer.server.standalone.ServeOptions;
import dev.coffer.spi.access.CidrBlock;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.internal.Durations;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code coffer serve}: the standalone server, until interrupted. */
@Command(name = "serve", description = "Run the standalone server (Jersey on Jetty).",
        footerHeading = dev.coffer.server.cli.Coffer.EXAMPLE, footer = {"  coffer serve", "  coffer serve --port 0 --data /tmp/coffer-demo --in-memory"})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8480", description = "Port (default 8480; 0 picks a free one)")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default 127.0.0.1)")
    String bind;

    @Option(names = "--data", defaultValue = "coffer-data", description = "Data directory (default ./coffer-data)")
    Path data;

    @Option(names = "--db", description = "JDBC URL (default: H2 file in the data directory; jdbc:postgresql://... for production). "
            + "Credentials: COFFER_DB_USER / COFFER_DB_PASSWORD")
    String db;

    @Option(names = "--key-uri", description = "Root key URI (default: local-keyset:<data>/root-keyset.json)")
    String keyUri;

    @Option(names = "--in-memory", description = "Keep secrets in memory only (demos): nothing survives a restart")
    boolean inMemory;

    @Option(names = "--trust-forwarded-for", description = "Behind reverse proxies: take the caller address from X-Forwarded-For "
            + "when the peer is a --trusted-proxy (walked right to left; IP literals only)")
    boolean trustForwardedFor;

    @Option(names = "--trusted-proxy", paramLabel = "CIDR", description = "A reverse proxy (address or network, e.g. 10.0.0.0/8) "
            + "whose X-Forwarded-For is believed; repeatable; required by --trust-forwarded-for")
    List<String> trustedProxies = new ArrayList<>();

    @Option(names = "--protected-environment", paramLabel = "ENV", description = "An environment where secret delete --force "
            + "(deletion without recovery) is refused, even to administrators; repeatable, e.g. --protected-environment prod")
    List<String> protectedEnvironments = new ArrayList<>();

    @Option(names = "--max-token-lifetime", defaultValue = TokenBounds.DEFAULT_MAX_LIFETIME_TEXT, paramLabel = "DURATION",
            description = "Refuse tokens whose exp - iat is longer (default 366d; the bootstrap admin token lives 365d)")
    String maxTokenLifetime;

    @Option(names = "--clock-skew", defaultValue = TokenBounds.DEFAULT_CLOCK_SKEW_TEXT, paramLabel = "DURATION",
            description = "Tolerated clock difference for exp, nbf and iat (default 30s, at most 10m)")
    String clockSkew;

    @Option(names = "--rotation-workers", defaultValue = "4", paramLabel = "N",
            description = "How many secret rotations run at once (default 4, at most 64); each may hold a database connection")
    int rotationWorkers;

    @Option(names = "--rotation-claim-lease", defaultValue = "2m", paramLabel = "DURATION",
            description = "How long this instance's claim on a secret's rotation lasts unless renewed (default 2m, 1s to 1h): "
                    + "how soon another instance on the same database resumes the rotations of one that died; "
                    + "keep it above the longest rotator step (e.g. a webhook timeout)")
    String rotationClaimLease;

    @Option(names = "--rotation-interval", defaultValue = "5s", paramLabel = "DURATION",
            description = "How often this instance claims due rotation work (default 5s, 1s to 5m)")
    String rotationInterval;

    @Option(names = "--no-rotation", description = "Run no rotation scheduler in this process: policies can be set and runs "
            + "opened, another instance on the same database (or none) drives them")
    boolean noRotation;

    @Option(names = "--max-watchers", defaultValue = "1000", paramLabel = "N",
            description = "How many change streams (GET /v1/watch) this server serves at once (default 1000, at most 10000); "
                    + "one more is refused with 503 and Retry-After")
    int maxWatchers;

    @Option(names = "--max-watchers-per-caller", defaultValue = "16", paramLabel = "N",
            description = "How many change streams one caller may hold at once (default 16); one more is refused with 429")
    int maxWatchersPerCaller;

    @Option(names = "--watch-heartbeat", defaultValue = "15s", paramLabel = "DURATION",
            description = "How long a change stream stays silent before a heartbeat (default 15s, 1s to under the 30s idle timeout)")
    String watchHeartbeat;

    @Option(names = "--http-threads", defaultValue = "200", paramLabel = "N",
            description = "HTTP worker threads (default 200, 16 to 2000); a quarter of them, at most 32, are kept for "
                    + "health checks, the rest serve API requests at once; more requests wait for a turn without a thread")
    int httpThreads;

    @Option(names = "--db-pool-size", defaultValue = "10", paramLabel = "N",
            description = "Database connections in the pool (default 10, 2 to 200), shared by API requests, the audit "
                    + "commit thread and rotation workers; unused with --in-memory")
    int dbPoolSize;

    @Spec
    CommandSpec spec;

    @Option(names = "--issuer", defaultValue = JwtSettings.DEFAULT_ISSUER, description = "Token issuer to sign and expect (default coffer)")
    String issuer;

    @Option(names = "--audience", defaultValue = JwtSettings.DEFAULT_AUDIENCE, description = "Token audience to sign and expect (default coffer)")
    String audience;

    @Override
    public Integer call() throws InterruptedException {
        return Start.serve(this);
    }

    /**
     * Everything that touches the server, apart from the flags: picocli reflects over every command
     * when it builds the tree, and a method of ServeCommand's own with a server type in its signature
     * or body would load the server's classes into every client command (see {@code ClientClassesTest}).
     */
    private static final class Start {
        private Start() {}

        static int serve(ServeCommand flags) throws InterruptedException {
            ServeOptions options = options(flags);
            Coffer coffer;
            try {
                coffer = Coffer.start(options, System.out);
            } catch (AddressInUseException e) {
                throw new CliException(ExitCodes.UNAVAILABLE, e.getMessage() + "; another program listens there: stop it, "
                        + "or choose another port with --port (or another address with --bind)");
            } catch (java.io.UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
                // Our own one-line start-up messages, each saying why: the data directory in use by another
                // server, a key file open to others, a data directory that is a file or not writable.
                throw new CliException(ExitCodes.UNAVAILABLE, e.getMessage());
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                coffer.close();
                stopped.countDown();
            }, "coffer-shutdown"));
            stopped.await();
            return ExitCodes.OK;
        }

        /** The flags as options; a contradiction or a malformed value is a usage error naming the flag. */
        private static ServeOptions options(ServeCommand flags) {
            try {
                if (!flags.noRotation && flags.rotationWorkers < 1) {
                    throw new IllegalArgumentException("--rotation-workers must be at least 1; --no-rotation runs no scheduler");
                }
                TokenBounds bounds = new TokenBounds(Durations.parse("--max-token-lifetime", flags.maxTokenLifetime),
                        Durations.parse("--clock-skew", flags.clockSkew));
                List<CidrBlock> proxies = new ArrayList<>();
                for (String proxy : flags.trustedProxies) {
                    proxies.add(CidrBlock.parse(proxy));
                }
                return new ServeOptions(flags.bind, flags.port, flags.data, flags.db, flags.keyUri, flags.inMemory,
                        flags.trustForwardedFor, new JwtSettings(flags.issuer, flags.audience, bounds), proxies)
                        .withProtectedEnvironments(flags.protectedEnvironments)
                        .withRotationWorkers(flags.noRotation ? 0 : flags.rotationWorkers)
                        .withRotationClaimLease(Durations.parse("--rotation-claim-lease", flags.rotationClaimLease))
                        .withRotationInterval(Durations.parse("--rotation-interval", flags.rotationInterval))
                        .withWatch(new dev.coffer.server.watch.WatchSettings(flags.maxWatchers, flags.maxWatchersPerCaller,
                                Durations.parse("--watch-heartbeat", flags.watchHeartbeat),
                                dev.coffer.server.watch.WatchSettings.DEFAULTS.writeTimeout()))
                        .withHttpThreads(flags.httpThreads)
                        .withDbPoolSize(flags.dbPoolSize);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(flags.spec.commandLine(), e.getMessage());
            } catch (InvalidRequestException e) {
                throw new ParameterException(flags.spec.commandLine(), "--trusted-proxy: " + e.getMessage().replace("sourceCidr ", ""));
            }
        }
    }
}
