package dev.coffer.server.support;

import dev.coffer.config.remote.RemoteSecretManager;
import dev.coffer.server.auth.ClaimMapping;
import dev.coffer.server.auth.JwtSettings;
import dev.coffer.server.auth.SmallRyeTokenVerifier;
import dev.coffer.server.auth.TokenMinter;
import dev.coffer.server.metrics.Metrics;
import dev.coffer.server.standalone.AdminBootstrap;
import dev.coffer.server.standalone.AuditRelay;
import dev.coffer.server.standalone.Backend;
import dev.coffer.server.standalone.InMemoryBackend;
import dev.coffer.server.standalone.Kernel;
import dev.coffer.server.standalone.StandaloneServer;
import dev.coffer.server.standalone.TrustedProxies;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.CidrBlock;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.kernel.StandardSecretManager;
import dev.coffer.spi.memory.InMemorySecrets;
import dev.coffer.tck.KernelFixture;
import dev.coffer.tck.ManagerFixture;
import dev.coffer.tck.support.SwitchableAuditLog;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * A {@link ManagerFixture} whose manager is a {@link RemoteSecretManager} talking HTTP to a real
 * standalone server on a free loopback port in this JVM, serving fresh, empty in-memory parts for
 * each fixture.
 *
 * <ul>
 *   <li>tenant: the server's default tenant; admin: {@code user:admin} in the bootstrap admin group;</li>
 *   <li>tokens: for each context the token source mints (and caches per principal) an RS256 token
 *       for {@code ctx.principal()}: id → {@code sub}, groups, tenant, mfa → {@code amr},
 *       cluster → {@code cluster};</li>
 *   <li>source addresses: the server trusts {@code X-Forwarded-For} from loopback peers and the
 *       client forwards {@code ctx.sourceIp()} in it, the deployment of a server behind one
 *       trusted proxy;</li>
 *   <li>an audit outage switch (the server's audit log fails appends; the events of writes
 *       committed meanwhile are relayed by the server's {@link AuditRelay} when the contract asks,
 *       as its timer would), but no clock: the server's time is not the test's to move.</li>
 * </ul>
 */
public final class RemoteFixture implements ManagerFixture {
    private static final KeyPair KEYS = keys();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final TokenMinter MINTER = new TokenMinter(KEYS.getPrivate(), JwtSettings.defaults());

    /** The kernel of the running test; the one shared server serves whichever is current. */
    private static final AtomicReference<SecretManager> CURRENT = new AtomicReference<>();
    private static StandaloneServer server;

    private final InMemorySecrets parts = InMemorySecrets.create();
    private final SwitchableAuditLog audit = new SwitchableAuditLog(parts.auditLog());
    private final SecretManager kernel;
    private final AuditRelay relay;
    private final Metrics metrics = new Metrics();
    private final RemoteSecretManager manager;
    private final Map<Principal, String> tokens = new ConcurrentHashMap<>();

    /** Gives the shared server fresh, empty in-memory parts and connects a client to it. */
    public RemoteFixture() {
        Backend backend = new InMemoryBackend(parts, audit);
        AdminBootstrap.ensurePolicy(parts.policyStore(), parts.auditLog(), backend.bootstrapRecord());
        StandardSecretManager standard = Kernel.standard(backend, metrics, List.of(KernelFixture.PROTECTED_ENVIRONMENT));
        kernel = Kernel.measured(standard, metrics);
        // No timer: the contract says when to relay (relayPending), so its checks do not race one.
        relay = AuditRelay.start(standard::relayAuditOutbox, false, metrics, AuditRelay.PERIOD);
        CURRENT.set(kernel);
        manager = RemoteSecretManager.builder(base())
                .bearerToken(this::tokenFor)
                .forwardSourceIp(true)
                .requestTimeout(Duration.ofSeconds(30))
                .httpClient(HTTP)
                .build();
    }

    /**
     * The one server of this JVM, started on first use and stopped at exit: a real standalone
     * application (token verification, filters, resources, problem mapping) whose kernel is the
     * running test's. Starting a server per test costs about two seconds; swapping the kernel
     * gives each test the same fresh, empty manager.
     */
    private static synchronized StandaloneServer server() {
        if (server == null) {
            SecretManager delegate = (SecretManager) Proxy.newProxyInstance(SecretManager.class.getClassLoader(),
                    new Class<?>[] {SecretManager.class}, (proxy, method, args) -> {
                        if (method.getDeclaringClass() == Object.class) {
                            return switch (method.getName()) {
                                case "equals" -> proxy == args[0];
                                case "hashCode" -> System.identityHashCode(proxy);
                                default -> "the running test's kernel";
                            };
                        }
                        try {
                            return method.invoke(CURRENT.get(), args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            // Every test of the one shared server watches as the same few principals: a cap per caller
            // above what the contract opens, and a 1 s heartbeat so streams the client closed are
            // noticed (at the next write) and give back their place soon.
            ResourceConfig app = StandaloneServer.application(delegate, dev.coffer.server.api.NoRotations.INSTANCE,
                    new SmallRyeTokenVerifier(KEYS.getPublic(), JwtSettings.defaults()), List.of(), new Metrics(),
                    TrustedProxies.of(List.of(CidrBlock.parse("127.0.0.1/32"))),
                    new dev.coffer.server.watch.WatchSettings(1000, 1000, Duration.ofSeconds(1), Duration.ofSeconds(30)));
            StandaloneServer started = StandaloneServer.start(app, "127.0.0.1", 0);
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "remote-fixture-server-stop"));
            server = started;
        }
        return server;
    }

    /** The server's base URL. */
    public URI base() {
        return URI.create("http://127.0.0.1:" + server().port() + "/");
    }

    /** A token signed by the server's key for {@code principal}. */
    public String tokenFor(Principal principal) {
        return tokens.computeIfAbsent(principal, p -> MINTER.mint(TokenMinter.TokenRequest.subject(p.id())
                .groups(List.copyOf(p.groups()))
                .tenant(p.tenant())
                .mfa(p.mfa())
                .cluster(p.cluster())
                .ttl(Duration.ofMinutes(30))));
    }

    private String tokenFor(AccessContext ctx) {
        return tokenFor(ctx.principal());
    }

    /**
     * The server's audit appends fail while switched on: the TCK's fail-closed tests then check,
     * over HTTP, that the server answers 503 {@code AUDIT_UNAVAILABLE} and changes nothing.
     */
    @Override
    public Optional<AuditOutage> auditOutage() {
        return Optional.of(new AuditOutage() {
            @Override
            public void failAppends(boolean failing) {
                audit.failAppends(failing);
            }

            @Override
            public void failAppendsAsStorageOutage(boolean failing) {
                audit.failAppendsAsStorageOutage(failing);
            }

            @Override
            public void relayPending() {
                relay.relayNow();
            }

            @Override
            public boolean canLoseReplies() {
                return audit.canLoseReplies();
            }

            @Override
            public void loseReplies(boolean losing) {
                audit.loseReplies(losing);
            }
        });
    }

    /**
     * The server decides the caller address: a missing or malformed {@code X-Forwarded-For} is not
     * handed to the kernel as is, so the TCK's unknown-address cases do not apply over HTTP.
     */
    @Override
    public boolean sourceAddressReachesPoliciesAsGiven() {
        return false;
    }

    /** The environment the server's kernel protects from force delete, as {@link KernelFixture} does. */
    @Override
    public Optional<String> protectedEnvironment() {
        return Optional.of(KernelFixture.PROTECTED_ENVIRONMENT);
    }

    /** Makes the server's audit appends fail (503 {@code AUDIT_UNAVAILABLE}) while {@code true}. */
    public void failAuditAppends(boolean failing) {
        audit.failAppends(failing);
    }

    /** The in-memory parts behind the server. */
    public InMemorySecrets parts() {
        return parts;
    }

    @Override
    public RemoteSecretManager manager() {
        return manager;
    }

    @Override
    public String tenant() {
        return ClaimMapping.DEFAULT_TENANT;
    }

    @Override
    public AccessContext admin() {
        return AccessContext.of(new Principal("user:admin", ClaimMapping.DEFAULT_TENANT, Set.of(AdminBootstrap.ADMIN_GROUP), false, null));
    }

    @Override
    public void close() {
        CURRENT.compareAndSet(kernel, null); // the server stays up for the next fixture
        relay.close();
        metrics.close();
    }

    private static KeyPair keys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
