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

    private Coffer(Backend backend, StandaloneServer server, DataDir data) {
        this.backend = backend;
        this.server = server;
        this.data = data;
    }

    /** Starts everything and reports where things are on {@code console} (never a token). */
    public static Coffer start(ServeOptions options, PrintStream console) {
        ServerLogging.configure();
        DataDir data = DataDir.prepare(options.data());
        SigningKeys keys = SigningKeys.loadOrCreate(data);
        Backend backend = Backends.open(options, data);
        try {
            Metrics metrics = new Metrics();
            SecretManager manager = Kernel.over(backend, metrics);
            boolean policyCreated = AdminBootstrap.ensurePolicy(backend.policyStore(), backend.auditLog());
            boolean tokenCreated = AdminBootstrap.ensureToken(data, new TokenMinter(keys.privateKey(), options.jwt()));
            StandaloneServer server = StandaloneServer.start(StandaloneServer.application(manager,
                    new SmallRyeTokenVerifier(keys.publicKey(), options.jwt()), backend.healthChecks(), metrics,
                    options.proxies()), options.bind(), options.port());
            console.println("Coffer listening on http://" + hostForUri(options.bind()) + ":" + server.port());
            console.println("  data:        " + data.root());
            console.println("  store:       " + backend.description());
            console.println("  admin token: " + data.file(DataDir.ADMIN_TOKEN) + (tokenCreated ? " (created)" : ""));
            if (options.proxies().any()) {
                console.println("  proxies:     X-Forwarded-For believed from " + options.proxies());
            }
            if (policyCreated) {
                console.println("  bootstrap:   policy '" + AdminBootstrap.POLICY + "' grants group:" + AdminBootstrap.ADMIN_GROUP
                        + " every action in tenant default");
            }
            console.flush();
            return new Coffer(backend, server, data);
        } catch (RuntimeException e) {
            backend.close();
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

    /** Stops the server, then the backend. */
    @Override
    public void close() {
        try {
            server.close();
        } finally {
            backend.close();
        }
    }

    private static String hostForUri(String bind) {
        return bind.contains(":") ? "[" + bind + "]" : bind;
    }
}
