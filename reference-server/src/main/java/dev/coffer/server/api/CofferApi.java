package dev.coffer.server.api;

import dev.coffer.server.api.json.JsonBodyReader;
import dev.coffer.server.api.json.JsonBodyWriter;
import dev.coffer.server.api.problem.SecretsExceptionMapper;
import dev.coffer.server.api.problem.UnexpectedExceptionMapper;
import dev.coffer.server.api.problem.WebApplicationExceptionMapper;
import dev.coffer.spi.SecretManager;
import java.util.List;
import java.util.function.Supplier;

/**
 * The components of the REST API as instances, for any JAX-RS runtime: register
 * {@link #resources} and {@link #providers} with Jersey's {@code ResourceConfig}, or return them
 * from {@code Application.getSingletons()}. Authentication is the runtime's part (the standalone
 * bearer filter, or Liberty's mpJwt).
 *
 * <pre>{@code
 * ResourceConfig config = new ResourceConfig();
 * CofferApi.resources(manager, checks, metrics::prometheusText).forEach(config::register);
 * CofferApi.providers().forEach(config::register);
 * }</pre>
 */
public final class CofferApi {
    private CofferApi() {}

    /** The resources. */
    public static List<Object> resources(SecretManager manager, List<HealthCheck> checks, Supplier<String> metrics) {
        return List.of(new SecretsResource(manager), new MetadataResource(manager), new NamedSecretsResource(manager), new BreakGlassResource(manager), new AuditResource(manager),
                new PoliciesResource(manager), new HealthResource(checks), new MetricsResource(manager, metrics), new OpenApiResource());
    }

    /** JSON reading and writing, problem mapping, the request-id filter and the query-parameter check. */
    public static List<Object> providers() {
        return List.of(new JsonBodyReader(), new JsonBodyWriter(), new SecretsExceptionMapper(),
                new WebApplicationExceptionMapper(), new UnexpectedExceptionMapper(), new RequestIdFilter(), new QueryParamsFilter());
    }
}
