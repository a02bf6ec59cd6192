package dev.coffer.server.api;

import dev.coffer.server.api.json.JsonBodyReader;
import dev.coffer.server.api.json.JsonBodyWriter;
import dev.coffer.server.api.problem.SecretsExceptionMapper;
import dev.coffer.server.api.problem.UnexpectedExceptionMapper;
import dev.coffer.server.api.problem.WebApplicationExceptionMapper;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.rotation.RotationManager;
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
 * CofferApi.resources(manager, kernel.rotations(), checks, metrics::prometheusText).forEach(config::register);
 * CofferApi.providers().forEach(config::register);
 * }</pre>
 */
public final class CofferApi {
    private CofferApi() {}

    /** The resources, rotation served by {@code rotations} (the kernel's {@code rotations()}). */
    public static List<Object> resources(SecretManager manager, RotationManager rotations, List<HealthCheck> checks,
            Supplier<String> metrics) {
        return List.of(new SecretsResource(manager), new MetadataResource(manager), new NamedSecretsResource(manager), new BreakGlassResource(manager), new AuditResource(manager),
                new PoliciesResource(manager), new RotationResource(rotations), new RotationsResource(rotations),
                new HealthResource(checks), new MetricsResource(manager, metrics), new OpenApiResource());
    }

    /** The resources, and the change stream ({@code GET /v1/watch}) served by {@code watches}. */
    public static List<Object> resources(SecretManager manager, RotationManager rotations, List<HealthCheck> checks,
            Supplier<String> metrics, dev.coffer.server.watch.WatchStreams watches) {
        List<Object> all = new java.util.ArrayList<>(resources(manager, rotations, checks, metrics));
        all.add(new WatchResource(watches));
        return List.copyOf(all);
    }

    /**
     * The resources over a {@code manager} without a rotation engine (a decorator or a remote
     * client): the rotation routes are there and answer 404 {@code ROTATION_NOT_CONFIGURED}.
     */
    public static List<Object> resources(SecretManager manager, List<HealthCheck> checks, Supplier<String> metrics) {
        return resources(manager, NoRotations.INSTANCE, checks, metrics);
    }

    /** JSON reading and writing, problem mapping, the request-id filter and the query-parameter check. */
    public static List<Object> providers() {
        return List.of(new JsonBodyReader(), new JsonBodyWriter(), new SecretsExceptionMapper(),
                new WebApplicationExceptionMapper(), new UnexpectedExceptionMapper(), new RequestIdFilter(), new QueryParamsFilter());
    }
}
