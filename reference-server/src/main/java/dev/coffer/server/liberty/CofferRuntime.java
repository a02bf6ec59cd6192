package dev.coffer.server.liberty;

import dev.coffer.server.api.HealthCheck;
import dev.coffer.server.auth.AuthenticationFailures;
import dev.coffer.server.auth.TokenBounds;
import dev.coffer.server.internal.Durations;
import dev.coffer.server.metrics.Metrics;
import dev.coffer.server.standalone.AdminBootstrap;
import dev.coffer.server.standalone.AuditRelay;
import dev.coffer.server.standalone.DurableBackend;
import dev.coffer.server.standalone.Kernel;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.kernel.StandardSecretManager;
import dev.coffer.spi.rotation.RotationManager;
import dev.coffer.server.jobs.OverdueSecrets;
import dev.coffer.server.jobs.RotationScheduler;
import dev.coffer.server.watch.WatchSettings;
import dev.coffer.server.watch.WatchStreams;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * The application's one {@link SecretManager}: opened from MicroProfile Config
 * ({@link LibertySettings}) when the application starts, closed when it stops. A database or key
 * that cannot be opened fails the deployment. Audit events waiting in a store's outbox are relayed
 * at start-up and periodically ({@link AuditRelay}; JDBI keeps none, so there it does nothing).
 */
@ApplicationScoped
public class CofferRuntime {
    private static final Logger LOG = Logger.getLogger(CofferRuntime.class.getName());
    /** How many rotations this instance runs at once (MicroProfile Config; default 4, 0 runs no scheduler here). */
    public static final String ROTATION_WORKERS = "coffer.rotation.workers";
    /** How many change streams this instance serves at once (default 1000). */
    public static final String WATCH_MAX_WATCHERS = "coffer.watch.max-watchers";
    /** How many change streams one caller may hold at once (default 16). */
    public static final String WATCH_MAX_PER_CALLER = "coffer.watch.max-watchers-per-caller";
    /** How long a change stream stays silent before a heartbeat (default 15s). */
    public static final String WATCH_HEARTBEAT = "coffer.watch.heartbeat";

    @Inject
    Config config;

    private DurableBackend backend;
    private AuditRelay relay;
    private RotationScheduler scheduler;
    private RotationManager rotations;
    private Metrics metrics;
    private SecretManager manager;
    private TokenBounds tokenBounds;
    private AuthenticationFailures authenticationFailures;
    private WatchStreams watches;

    @PostConstruct
    void open() {
        LibertySettings settings = LibertySettings.from(config);
        metrics = new Metrics();
        try {
            backend = LibertyBackend.open(settings, metrics);
        } catch (RuntimeException e) {
            metrics.close();
            throw e;
        }
        try {
            StandardSecretManager kernel = Kernel.standard(backend, metrics, settings.protectedEnvironments());
            manager = Kernel.measured(kernel, metrics);
            rotations = kernel.rotations();
            tokenBounds = settings.tokenBounds();
            authenticationFailures = new AuthenticationFailures(metrics);
            if (settings.bootstrapPolicy() && AdminBootstrap.ensurePolicy(backend.policyStore(), backend.auditLog(), backend.bootstrapRecord())) {
                LOG.info("Coffer: policy '" + AdminBootstrap.POLICY + "' grants group:" + AdminBootstrap.ADMIN_GROUP
                        + " every action in tenant default");
            }
            watches = new WatchStreams(manager, watchSettings());
            relay = AuditRelay.start(kernel, backend, metrics);
            int workers = config.getOptionalValue(ROTATION_WORKERS, Integer.class).orElse(RotationScheduler.DEFAULT_WORKERS);
            if (workers > 0) {
                scheduler = RotationScheduler.start(kernel.rotationEngine(), workers, metrics.rotation(),
                        new OverdueSecrets(kernel.rotationEngine(), List.of(SecretManager.OPERATOR_TENANT)));
            }
        } catch (RuntimeException e) {
            if (relay != null) {
                relay.close();
            }
            backend.close();
            metrics.close();
            throw e;
        }
        LOG.info("Coffer: store " + backend.description());
    }

    /** Opens everything when the application starts rather than on the first request. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        manager();
    }

    private WatchSettings watchSettings() {
        WatchSettings defaults = WatchSettings.DEFAULTS;
        int max = config.getOptionalValue(WATCH_MAX_WATCHERS, Integer.class).orElse(defaults.maxWatchers());
        int perCaller = config.getOptionalValue(WATCH_MAX_PER_CALLER, Integer.class).orElse(Math.min(defaults.maxPerCaller(), max));
        String heartbeat = config.getOptionalValue(WATCH_HEARTBEAT, String.class).map(String::trim).filter(t -> !t.isEmpty())
                .orElse("15s");
        return new WatchSettings(max, perCaller, Durations.parse(WATCH_HEARTBEAT, heartbeat), defaults.writeTimeout());
    }

    @PreDestroy
    void close() {
        if (watches != null) {
            watches.close(); // first: the streams' clients reconnect elsewhere, and no stream holds the stop up
        }
        if (scheduler != null) {
            scheduler.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (backend != null) {
            backend.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    /** The kernel, measured. */
    public SecretManager manager() {
        return manager;
    }

    /** The open change streams ({@code GET /v1/watch}). */
    public WatchStreams watches() {
        return watches;
    }

    /** The kernel's rotation API. */
    public RotationManager rotations() {
        return rotations;
    }

    /** The metrics {@code /metrics} reports. */
    public Metrics metrics() {
        return metrics;
    }

    /** The token bounds {@link MpJwtCallerFilter} checks after mpJwt verified the token. */
    public TokenBounds tokenBounds() {
        return tokenBounds;
    }

    /** Where refused authentications are counted and logged. */
    public AuthenticationFailures authenticationFailures() {
        return authenticationFailures;
    }

    /** Store and key checks, for readiness. */
    public List<HealthCheck> healthChecks() {
        return backend.healthChecks();
    }
}
