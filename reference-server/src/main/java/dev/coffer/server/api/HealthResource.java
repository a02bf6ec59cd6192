package dev.coffer.server.api;

import dev.coffer.server.api.dto.HealthBody;
import dev.coffer.spi.error.SecretsException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /health/live} (the process answers) and {@code /health/ready} (every {@link HealthCheck}
 * passes: 200, else 503). The only routes reachable without a token.
 */
@Path("health")
@Produces(MediaType.APPLICATION_JSON)
public class HealthResource {
    private final List<HealthCheck> checks;

    public HealthResource(List<HealthCheck> checks) {
        this.checks = List.copyOf(checks);
    }

    /** Liveness. */
    @GET
    @Path("live")
    public HealthBody live() {
        return new HealthBody("UP", Map.of());
    }

    /** Readiness: store and key access. */
    @GET
    @Path("ready")
    public Response ready() {
        Map<String, String> results = new TreeMap<>();
        boolean up = true;
        for (HealthCheck check : checks) {
            try {
                check.check();
                results.put(check.name(), "UP");
            } catch (SecretsException e) {
                results.put(check.name(), "DOWN " + e.code());
                up = false;
            } catch (RuntimeException e) {
                results.put(check.name(), "DOWN");
                up = false;
            }
        }
        return Response.status(up ? 200 : 503).entity(new HealthBody(up ? "UP" : "DOWN", results)).build();
    }
}
