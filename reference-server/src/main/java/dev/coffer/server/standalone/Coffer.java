package dev.coffer.server.standalone;

import dev.coffer.server.auth.SmallRyeTokenVerifier;
import dev.coffer.server.auth.TokenMinter;
import dev.coffer.server.metrics.Metrics;
import dev.coffer.spi.SecretManager;
import java.io.PrintStream;

/**
 * A running standalone Coffer: data directory prepared, keys and admin token in place, backend
 * open, HTTP server listening.
 *
 * <pre>{@code
 * try (Coffer coffer = Coffer.start(options, System.out)) {
 *     coffer.port();
 * }
 * }</pre>
 */
public final class Coffer implements AutoCloseable {
    private final Backend backend;
    private final StandaloneServer server;
    private final DataDir data;
    private final DataDirLock lock;

    private Coffer(Backend backend, StandaloneServer server, DataDir data, DataDirLock lock) {
        this.backend = backend;
        this.server = server;
        this.data = data;
        this.lock = lock;
    }

    /**
     * Starts everything and reports where things are on {@code console} (never a token).
     *
     * @throws IllegalStateException when another server holds the data directory, or a key or
     *         token file in it is open to group or others
     */
    public static Coffer start(ServeOptions options, PrintStream console) {
        ServerLogging.configure();
        DataDir data = DataDir.prepare(options.data());
        // Held while the server runs: everything below (keys, bootstrap) happens in one process at a time.
        DataDirLock lock = data.lock();
        try {
            boolean freshDataDir = !data.has(DataDir.SIGNING_KEY);
            if (data.has(DataDir.ADMIN_TOKEN)) {
                data.requirePrivate(DataDir.ADMIN_TOKEN);
            }
            SigningKeys keys = SigningKeys.loadOrCreate(data);
            Backend backend = Backends.open(options, data);
            try {
                Metrics metrics = new Metrics();
                SecretManager manager = Kernel.over(backend, metrics, options.protectedEnvironments());
                boolean policyCreated = AdminBootstrap.ensurePolicy(backend.policyStore(), backend.auditLog(), backend.bootstrapRecord());
                boolean tokenCreated = AdminBootstrap.ensureToken(data, new TokenMinter(keys.privateKey(), options.jwt()), freshDataDir);
                StandaloneServer server = StandaloneServer.start(StandaloneServer.application(manager,
                        new SmallRyeTokenVerifier(keys.publicKey(), options.jwt()), backend.healthChecks(), metrics,
                        options.proxies()), options.bind(), options.port());
                console.println("Coffer listening on http://" + hostForUri(options.bind()) + ":" + server.port());
                console.println("  data:        " + data.root());
                console.println("  store:       " + backend.description());
                if (data.has(DataDir.ADMIN_TOKEN)) {
                    console.println("  admin token: " + data.file(DataDir.ADMIN_TOKEN) + (tokenCreated ? " (created)" : ""));
                } else {
                    console.println("  admin token: none (issued once, on the first start; `coffer token mint --data "
                            + data.root() + " --subject admin --groups " + AdminBootstrap.ADMIN_GROUP + "` makes one)");
                }
                if (options.proxies().any()) {
                    console.println("  proxies:     X-Forwarded-For believed from " + options.proxies());
                }
                if (policyCreated) {
                    console.println("  bootstrap:   policy '" + AdminBootstrap.POLICY + "' grants group:" + AdminBootstrap.ADMIN_GROUP
                            + " every action in tenant default");
                }
                console.flush();
                return new Coffer(backend, server, data, lock);
            } catch (RuntimeException e) {
                backend.close();
                throw e;
            }
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** The bound port. */
    public int port() {
        return server.port();
    }

    /** The data directory. */
    public DataDir data() {
        return data;
    }

    /** Stops the server, then the backend, then lets go of the data directory. */
    @Override
    public void close() {
        try {
            server.close();
        } finally {
            try {
                backend.close();
            } finally {
                lock.close();
            }
        }
    }

    private static String hostForUri(String bind) {
        return bind.contains(":") ? "[" + bind + "]" : bind;
    }
}
