package dev.coffer.server.liberty;

import dev.coffer.server.api.CofferApi;
import dev.coffer.server.api.HealthResource;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.HashSet;
import java.util.Set;
import org.eclipse.microprofile.auth.LoginConfig;

/**
 * The REST API on Liberty: the resources and providers of {@link CofferApi} over the
 * {@link CofferRuntime}'s kernel, plus {@link MpJwtCallerFilter}, which turns the token Liberty's
 * {@code mpJwt} feature verified into the caller the resources expect. {@code WEB-INF/web.xml} demands
 * no caller; the filter refuses, 401, every request without a token mpJwt verified; {@code /health/live} and {@code /health/ready}
 * are the {@code mpHealth} feature's, with {@link CofferHealthChecks}.
 */
@ApplicationPath("/")
@LoginConfig(authMethod = "MP-JWT", realmName = "coffer")
public class CofferLibertyApplication extends Application {
    private Set<Object> singletons;

    @Override
    public synchronized Set<Object> getSingletons() {
        if (singletons == null) {
            CofferRuntime runtime = CDI.current().select(CofferRuntime.class).get();
            Set<Object> all = new HashSet<>();
            // Health is mpHealth's (CofferHealthChecks): its /health context root would shadow ours anyway.
            CofferApi.resources(runtime.manager(), runtime.rotations(), runtime.healthChecks(), () -> runtime.metrics().prometheusText(),
                    runtime.watches())
                    .stream().filter(resource -> !(resource instanceof HealthResource)).forEach(all::add);
            all.addAll(CofferApi.providers());
            all.add(new MpJwtCallerFilter(runtime.tokenBounds(), runtime.authenticationFailures()));
            singletons = Set.copyOf(all);
        }
        return singletons;
    }
}
