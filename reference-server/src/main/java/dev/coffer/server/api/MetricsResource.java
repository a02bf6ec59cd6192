package dev.coffer.server.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import java.util.Objects;
import java.util.function.Supplier;

/** {@code /metrics}: Prometheus text exposition (needs a token like every route but /health). */
@Path("metrics")
public class MetricsResource {
    /** The Prometheus text format media type. */
    public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final Supplier<String> exposition;

    public MetricsResource(Supplier<String> exposition) {
        this.exposition = Objects.requireNonNull(exposition, "exposition");
    }

    /** The current metrics. */
    @GET
    @Produces(PROMETHEUS_TEXT)
    public String metrics() {
        return exposition.get();
    }
}
