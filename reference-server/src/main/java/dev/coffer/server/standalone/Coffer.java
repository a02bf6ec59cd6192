package dev.coffer.server.standalone;

import dev.coffer.server.auth.SmallRyeTokenVerifier;
import dev.coffer.server.auth.TokenMinter;
import dev.coffer.server.jobs.OverdueSecrets;
import dev.coffer.server.jobs.RotationScheduler;
import dev.coffer.server.metrics.Metrics;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.kernel.StandardSecretManager;
import java.io.PrintStream;
import java.util.List;

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
    private final AuditRelay relay;
    private final RotationScheduler scheduler;
    private final StandaloneServer server;
    private final DataDir data;
    private final DataDirLock lock;
    private final Metrics metrics;

    private Coffer(Backend backend, AuditRelay relay, RotationScheduler scheduler, StandaloneServer server, DataDir data,
            DataDirLock lock, Metrics metrics) {
        this.backend = backend;
        this.relay = relay;
        this.scheduler = scheduler;
        this.server = server;
        this.data = data;
        this.lock = lock;
        this.metrics = metrics;
    }

    /**
     * Starts everything and reports where things are on {@code console} (never a token). In this
     * order, so that each refusal comes before anything it would spoil: the data directory's lock
     * (a second server on it is refused before it opens a key or the database), the port (a port
     * in use is refused before the first file is written), then keys, backend and bootstrap, then
     * the relay of audit events waiting in the stores' outboxes ({@link AuditRelay}: once now, a
     * failure logged and not fatal, then every {@link AuditRelay#PERIOD}). A
     * start that fails removes what it added to the data directory ({@link DataDirRollback}), and
     * one cut short is completed by the next ({@link AdminBootstrap#beginDataDir}).
     *
     * @throws DataDirInUseException when another server holds the data directory
     * @throws AddressInUseException when another socket holds the address
     * @throws IllegalStateException when a key or token file in the data directory is open to group or others
     * @throws IllegalArgumentException when the data directory is a file
     * @throws java.io.UncheckedIOException when the data directory cannot be created, restricted or written
     */
    public static Coffer start(ServeOptions options, PrintStream console) {
        ServerLogging.configure();
        DataDirRollback rollback = DataDirRollback.before(options.data());
        DataDir data = DataDir.prepare(options.data());
        DataDirLock lock;
        try {
            // Held while the server runs: everything below (keys, bootstrap) happens in one process at a time.
            lock = data.lock();
        } catch (RuntimeException e) {
            if (!(e instanceof DataDirInUseException)) {
                rollback.rollback(); // the directory this start made, unless another server is in it
            }
            throw e;
        }
        StandaloneServer server = null;
        Backend backend = null;
        AuditRelay relay = null;
        RotationScheduler scheduler = null;
        Metrics metrics = new Metrics();
        try {
            server = StandaloneServer.listen(options.bind(), options.port(), options.httpLimits());
            if (data.has(DataDir.ADMIN_TOKEN)) {
                data.requirePrivate(DataDir.ADMIN_TOKEN);
            }
            boolean freshDataDir = AdminBootstrap.beginDataDir(data);
            SigningKeys keys = SigningKeys.loadOrCreate(data);
            backend = Backends.open(options, data, metrics);
            StandardSecretManager kernel = Kernel.standard(backend, metrics, options.protectedEnvironments(), Kernel.rotators(),
                    options.rotationClaimLease());
            SecretManager manager = Kernel.measured(kernel, metrics);
            boolean policyCreated = AdminBootstrap.ensurePolicy(backend.policyStore(), backend.auditLog(), backend.bootstrapRecord());
            boolean tokenCreated = AdminBootstrap.ensureToken(data, new TokenMinter(keys.privateKey(), options.jwt()), freshDataDir);
            relay = AuditRelay.start(kernel, backend, metrics);
            server.serve(StandaloneServer.application(manager, kernel.rotations(),
                    new SmallRyeTokenVerifier(keys.publicKey(), options.jwt()), backend.healthChecks(), metrics, options.proxies(),
                    options.watch()));
            if (options.rotationWorkers() > 0) {
                scheduler = RotationScheduler.start(kernel.rotationEngine(), options.rotationWorkers(), metrics.rotation(),
                        new OverdueSecrets(kernel.rotationEngine(), List.of(SecretManager.OPERATOR_TENANT)),
                        options.rotationInterval(), RotationScheduler.OVERDUE_PERIOD);
            }
            report(console, options, data, backend, server, tokenCreated, policyCreated);
            return new Coffer(backend, relay, scheduler, server, data, lock, metrics);
        } catch (RuntimeException e) {
            try {
                closeAll(server, scheduler, relay, backend);
                rollback.rollback();
            } finally {
                lock.close();
                metrics.close();
            }
            throw e;
        }
    }

    private static void report(PrintStream console, ServeOptions options, DataDir data, Backend backend, StandaloneServer server,
            boolean tokenCreated, boolean policyCreated) {
        console.println("Coffer listening on http://" + StandaloneServer.hostPort(options.bind(), server.port()));
        console.println("  data:        " + data.root());
        console.println("  store:       " + backend.description());
        if (data.has(DataDir.ADMIN_TOKEN)) {
            console.println("  admin token: " + data.file(DataDir.ADMIN_TOKEN) + (tokenCreated ? " (created)" : ""));
        } else {
            console.println("  admin token: none (issued once, on the first start; `coffer token mint --data "
                    + data.root() + " --subject admin --groups " + AdminBootstrap.ADMIN_GROUP + "` makes one)");
        }
        console.println("  rotation:    " + (options.rotationWorkers() > 0 ? options.rotationWorkers() + " workers"
                : "not run by this process (--no-rotation)"));
        if (options.proxies().any()) {
            console.println("  proxies:     X-Forwarded-For believed from " + options.proxies());
        }
        if (policyCreated) {
            console.println("  bootstrap:   policy '" + AdminBootstrap.POLICY + "' grants group:" + AdminBootstrap.ADMIN_GROUP
                    + " every action in tenant default");
        }
        console.flush();
    }

    private static void closeAll(StandaloneServer server, RotationScheduler scheduler, AuditRelay relay, Backend backend) {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            try {
                // After the API (no new rotate-now), before the relay and the backend the drives use.
                if (scheduler != null) {
                    scheduler.close();
                }
            } finally {
                closeRest(relay, backend);
            }
        }
    }


    private static void closeRest(AuditRelay relay, Backend backend) {
        try {
            if (relay != null) {
                relay.close();
            }
        } finally {
            if (backend != null) {
                backend.close();
            }
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

    /** The relay of the stores' audit outboxes. */
    AuditRelay auditRelay() {
        return relay;
    }

    /** The rotation scheduler, or {@code null} with {@code --no-rotation}. */
    RotationScheduler rotationScheduler() {
        return scheduler;
    }

    /** Stops the server, then the rotation scheduler, the audit relay, the backend, then lets go of the data directory. */
    @Override
    public void close() {
        try {
            closeAll(server, scheduler, relay, backend);
        } finally {
            lock.close();
            metrics.close();
        }
    }
}
