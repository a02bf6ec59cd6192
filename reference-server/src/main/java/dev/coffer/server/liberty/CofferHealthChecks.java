package dev.coffer.server.liberty;

import dev.coffer.server.api.HealthCheck;
import dev.coffer.spi.error.SecretsException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * On Liberty the {@code mpHealth} feature serves {@code /health/live} and {@code /health/ready}
 * (its own context root, which the application's {@code /} cannot shadow); these producers give
 * it the same checks the standalone server runs: liveness is the application answering,
 * readiness is every store and key {@link HealthCheck} passing. A failing check reports its
 * stable error code, never a message (which could name a path or a URL).
 */
@ApplicationScoped
public class CofferHealthChecks {
    @Inject
    CofferRuntime runtime;

    /** Up while the application is deployed. */
    @Produces
    @Liveness
    org.eclipse.microprofile.health.HealthCheck live() {
        return () -> HealthCheckResponse.up("coffer");
    }

    /** Up when the store and the keys answer. */
    @Produces
    @Readiness
    org.eclipse.microprofile.health.HealthCheck ready() {
        return () -> {
            HealthCheckResponseBuilder response = HealthCheckResponse.named("coffer").up();
            for (HealthCheck check : runtime.healthChecks()) {
                try {
                    check.check();
                    response.withData(check.name(), "UP");
                } catch (SecretsException e) {
                    response.withData(check.name(), "DOWN " + e.code()).down();
                } catch (RuntimeException e) {
                    response.withData(check.name(), "DOWN").down();
                }
            }
            return response.build();
        };
    }
}
