package dev.coffer.server.standalone;

import dev.coffer.server.api.CofferApi;
import dev.coffer.server.api.HealthCheck;
import dev.coffer.server.auth.AuthenticationFailures;
import dev.coffer.server.auth.BearerTokenFilter;
import dev.coffer.server.auth.TokenVerifier;
import dev.coffer.server.metrics.Metrics;
import dev.coffer.spi.SecretManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.jetty.JettyHttpContainerFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/**
 * The REST API on Jersey and Jetty 12 (chosen over Grizzly and the JDK server by measurement; see the README).
 *
 * <pre>{@code
 * ResourceConfig app = StandaloneServer.application(manager, verifier, checks, metrics, TrustedProxies.none());
 * try (StandaloneServer server = StandaloneServer.start(app, "127.0.0.1", 8480)) {
 *     server.port(); // the bound port (useful with 0)
 * }
 * }</pre>
 */
public final class StandaloneServer implements AutoCloseable {
    private final Server server;

    private StandaloneServer(Server server) {
        this.server = server;
    }

    /**
     * The API, bearer authentication (refusals counted in {@code metrics}) and the source-address
     * filter (believing {@code X-Forwarded-For} from {@code proxies} only) as one Jersey application.
     */
    public static ResourceConfig application(SecretManager manager, TokenVerifier verifier, List<HealthCheck> checks,
            Metrics metrics, TrustedProxies proxies) {
        ResourceConfig config = new ResourceConfig();
        CofferApi.resources(manager, checks, metrics::prometheusText).forEach(config::register);
        CofferApi.providers().forEach(config::register);
        config.register(new SourceAddressFilter(proxies));
        config.register(new BearerTokenFilter(verifier, new AuthenticationFailures(metrics)));
        config.property(ServerProperties.WADL_FEATURE_DISABLE, true);
        config.property(ServerProperties.BV_FEATURE_DISABLE, true);
        config.property(ServerProperties.METAINF_SERVICES_LOOKUP_DISABLE, true);
        return config;
    }

    /** Starts {@code application} on {@code bind}:{@code port} (0 picks a free port). */
    public static StandaloneServer start(ResourceConfig application, String bind, int port) {
        ServerLogging.configure();
        URI base = URI.create("http://" + hostForUri(bind) + ":" + port + "/");
        Server server = JettyHttpContainerFactory.createServer(base, application, false);
        // The factory takes only the port from the URI and would listen on every interface.
        ServerConnector connector = (ServerConnector) server.getConnectors()[0];
        connector.setHost(bind);
        HttpConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
        if (http != null) {
            http.getHttpConfiguration().setSendServerVersion(false);
        }
        server.setStopTimeout(5_000);
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            throw new UncheckedIOException("cannot listen on " + bind + ":" + port,
                    e instanceof IOException io ? io : new IOException(e.getClass().getSimpleName()));
        }
        return new StandaloneServer(server);
    }

    /** The bound port. */
    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** Stops accepting requests and waits up to five seconds for those in flight. */
    @Override
    public void close() {
        stopQuietly(server);
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            // stopping is best effort; the process is going away
        }
    }

    private static String hostForUri(String bind) {
        return bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
    }
}
