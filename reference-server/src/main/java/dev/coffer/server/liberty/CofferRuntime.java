package dev.coffer.server.liberty;

import dev.coffer.server.api.HealthCheck;
import dev.coffer.server.auth.AuthenticationFailures;
import dev.coffer.server.auth.TokenBounds;
import dev.coffer.server.metrics.Metrics;
import dev.coffer.server.standalone.AdminBootstrap;
import dev.coffer.server.standalone.DurableBackend;
import dev.coffer.server.standalone.Kernel;
import dev.coffer.spi.SecretManager;
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
 * that cannot be opened fails the deployment.
 */
@ApplicationScoped
public class CofferRuntime {
    private static final Logger LOG = Logger.getLogger(CofferRuntime.class.getName());

    @Inject
    Config config;

    private DurableBackend backend;
    private Metrics metrics;
    private SecretManager manager;
    private TokenBounds tokenBounds;
    private AuthenticationFailures authenticationFailures;

    @PostConstruct
    void open() {
        LibertySettings settings = LibertySettings.from(config);
        backend = LibertyBackend.open(settings);
        try {
            metrics = new Metrics();
            manager = Kernel.over(backend, metrics, settings.protectedEnvironments());
            tokenBounds = settings.tokenBounds();
            authenticationFailures = new AuthenticationFailures(metrics);
            if (settings.bootstrapPolicy() && AdminBootstrap.ensurePolicy(backend.policyStore(), backend.auditLog(), backend.bootstrapRecord())) {
                LOG.info("Coffer: policy '" + AdminBootstrap.POLICY + "' grants group:" + AdminBootstrap.ADMIN_GROUP
                        + " every action in tenant default");
            }
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
        LOG.info("Coffer: store " + backend.description());
    }

    /** Opens everything when the application starts rather than on the first request. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        manager();
    }

    @PreDestroy
    void close() {
        if (backend != null) {
            backend.close();
        }
    }

    /** The kernel, measured. */
    public SecretManager manager() {
        return manager;
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
