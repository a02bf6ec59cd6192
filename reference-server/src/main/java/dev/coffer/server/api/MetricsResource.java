package dev.coffer.server.api;

import dev.coffer.spi.SecretManager;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code /metrics}: Prometheus text exposition. The figures are process-wide, so the kernel
 * decides who may read them ({@link SecretManager#authorizeMetrics}: {@code secrets:metrics} on
 * {@code *} in the operator tenant); a refusal is 403 and audited.
 */
@Path("metrics")
public class MetricsResource {
    /** The Prometheus text format media type. */
    public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final SecretManager manager;
    private final Supplier<String> exposition;

    public MetricsResource(SecretManager manager, Supplier<String> exposition) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.exposition = Objects.requireNonNull(exposition, "exposition");
    }

    /** The current metrics, for a caller the kernel allows. */
    @GET
    @Produces(PROMETHEUS_TEXT)
    public String metrics(@Context SecurityContext security) {
        manager.authorizeMetrics(Callers.context(security));
        return exposition.get();
    }
}
