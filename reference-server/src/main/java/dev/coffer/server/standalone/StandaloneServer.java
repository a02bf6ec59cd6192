package dev.coffer.server.standalone;

import dev.coffer.server.api.CofferApi;
import dev.coffer.server.api.HealthCheck;
import dev.coffer.server.auth.AuthenticationFailures;
import dev.coffer.server.auth.BearerTokenFilter;
import dev.coffer.server.auth.TokenVerifier;
import dev.coffer.server.metrics.HttpServerMetrics;
import dev.coffer.server.metrics.Metrics;
import dev.coffer.server.watch.WatchSettings;
import dev.coffer.server.watch.WatchStreams;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.rotation.RotationManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SizeLimitHandler;
import org.eclipse.jetty.server.handler.EagerContentHandler;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.glassfish.jersey.servlet.ServletContainer;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/**
 * The REST API: Jersey as a servlet on Jetty 12's ee10 servlet container (Jetty chosen over Grizzly and
 * the JDK server by measurement; see the README), within {@link HttpLimits}.
 *
 * <pre>{@code
 * ResourceConfig app = StandaloneServer.application(manager, verifier, checks, metrics, TrustedProxies.none());
 * try (StandaloneServer server = StandaloneServer.start(app, "127.0.0.1", 8480)) {
 *     server.port(); // the bound port (useful with 0)
 * }
 * // or in two steps, taking the port before anything else is opened:
 * StandaloneServer server = StandaloneServer.listen("127.0.0.1", 8480, HttpLimits.DEFAULTS);
 * server.serve(app);
 * }</pre>
 */
public final class StandaloneServer implements AutoCloseable {
    /**
     * The {@link ResourceConfig} property holding the {@link Metrics} that {@link #application} was
     * given; {@link #serve} measures requests, connections and threads into it.
     */
    public static final String METRICS_PROPERTY = "dev.coffer.server.metrics";
    /**
     * The {@link ResourceConfig} property holding the {@link WatchStreams} behind {@code GET /v1/watch};
     * {@link #close} ends them before the HTTP server stops, so no stream holds the stop up.
     */
    public static final String WATCHES_PROPERTY = "dev.coffer.server.watches";

    private static final int MIN_THREADS = 8;

    private final Server server;
    private final HttpLimits limits;
    private volatile boolean closed;
    private volatile WatchStreams watches;

    private StandaloneServer(Server server, HttpLimits limits) {
        this.server = server;
        this.limits = limits;
    }

    /**
     * The API, bearer authentication (refusals counted in {@code metrics}) and the source-address
     * filter (believing {@code X-Forwarded-For} from {@code proxies} only) as one Jersey application.
     */
    public static ResourceConfig application(SecretManager manager, TokenVerifier verifier, List<HealthCheck> checks,
            Metrics metrics, TrustedProxies proxies) {
        // Every application serves the change stream; only the rotation routes answer ROTATION_NOT_CONFIGURED.
        return application(manager, dev.coffer.server.api.NoRotations.INSTANCE, verifier, checks, metrics, proxies);
    }

    /**
     * The same, with the rotation routes served by {@code rotations} (the kernel's
     * {@code rotations()}; {@link #application(SecretManager, TokenVerifier, List, Metrics, TrustedProxies)}
     * answers them with 404 {@code ROTATION_NOT_CONFIGURED}).
     */
    public static ResourceConfig application(SecretManager manager, RotationManager rotations, TokenVerifier verifier,
            List<HealthCheck> checks, Metrics metrics, TrustedProxies proxies) {
        return application(manager, rotations, verifier, checks, metrics, proxies, WatchSettings.DEFAULTS);
    }

    /** The same, with the change stream ({@code GET /v1/watch}) within {@code watch}. */
    public static ResourceConfig application(SecretManager manager, RotationManager rotations, TokenVerifier verifier,
            List<HealthCheck> checks, Metrics metrics, TrustedProxies proxies, WatchSettings watch) {
        WatchStreams watches = new WatchStreams(manager, watch);
        ResourceConfig config = application(CofferApi.resources(manager, rotations, checks, metrics::prometheusText, watches),
                verifier, metrics, proxies);
        config.property(WATCHES_PROPERTY, watches);
        return config;
    }

    private static ResourceConfig application(List<Object> resources, TokenVerifier verifier, Metrics metrics, TrustedProxies proxies) {
        ResourceConfig config = new ResourceConfig();
        resources.forEach(config::register);
        CofferApi.providers().forEach(config::register);
        config.register(new SourceAddressFilter(proxies));
        config.register(new BearerTokenFilter(verifier, new AuthenticationFailures(metrics)));
        // META-INF/services lookup is off, so Jersey's SSE support (SseEventSink for /v1/watch) is registered by hand.
        config.register(org.glassfish.jersey.media.sse.SseFeature.class);
        // Servlet 3 async (found through META-INF/services otherwise): a stream suspends its request.
        config.register(new org.glassfish.jersey.internal.inject.AbstractBinder() {
            @Override
            protected void configure() {
                bind(new org.glassfish.jersey.servlet.async.AsyncContextDelegateProviderImpl())
                        .to(org.glassfish.jersey.servlet.spi.AsyncContextDelegateProvider.class);
            }
        });
        config.property(METRICS_PROPERTY, metrics);
        config.property(ServerProperties.WADL_FEATURE_DISABLE, true);
        config.property(ServerProperties.BV_FEATURE_DISABLE, true);
        config.property(ServerProperties.METAINF_SERVICES_LOOKUP_DISABLE, true);
        return config;
    }

    /** Starts {@code application} on {@code bind}:{@code port} (0 picks a free port) with {@link HttpLimits#DEFAULTS}. */
    public static StandaloneServer start(ResourceConfig application, String bind, int port) {
        return start(application, bind, port, HttpLimits.DEFAULTS);
    }

    /** {@link #listen} then {@link #serve}: starts {@code application} on {@code bind}:{@code port} within {@code limits}. */
    public static StandaloneServer start(ResourceConfig application, String bind, int port, HttpLimits limits) {
        StandaloneServer server = listen(bind, port, limits);
        try {
            server.serve(application);
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * Binds {@code bind}:{@code port} (0 picks a free port) and prepares the HTTP layer within
     * {@code limits}, but answers nothing until {@link #serve}: a start-up takes the port before it
     * touches anything else, so a port in use fails it before a data directory or database is
     * opened. Connections that arrive meanwhile wait in the listen backlog.
     *
     * @throws AddressInUseException when another socket holds the address
     * @throws UncheckedIOException when the address cannot be bound for another reason (e.g. it is
     *         not an address of this host)
     */
    public static StandaloneServer listen(String bind, int port, HttpLimits limits) {
        ServerLogging.configure();
        QueuedThreadPool threads = new QueuedThreadPool(limits.maxThreads(), MIN_THREADS);
        threads.setName("coffer-http");
        Server server = new Server(threads);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // Generated OpenAPI clients encode the '/' inside {path} as %2F; accept it as the separator it
        // stands for. Every other ambiguity (%2E%2E segments, encoded '\', ';' parameters) stays refused.
        http.setUriCompliance(UriCompliance.DEFAULT.with("coffer", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR));
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(bind);
        connector.setPort(port);
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        server.addConnector(connector);
        try {
            // Jetty keeps an open accept channel when the server starts, so serve() binds nothing again.
            connector.open();
        } catch (IOException e) {
            closeQuietly(connector);
            throw bindFailure(bind, port, e);
        }
        return new StandaloneServer(server, limits);
    }

    /**
     * Starts answering with {@code application}. Requests pass, in order: the URI rules (an encoded
     * {@code /} is a path separator; other ambiguous encodings are 400), the body size limit (413),
     * the query's encoding (400), the body read in full without a thread (408 when too slow, 400
     * when its chunking is broken), the queue for API workers (health skips it), then Jersey as a
     * servlet. When {@code application} carries {@link #METRICS_PROPERTY}, every request (refused
     * early or not) is timed, and connections and the thread pool are measured.
     *
     * @throws IllegalStateException when it serves already, or was closed
     */
    public void serve(ResourceConfig application) {
        if (server.isStarted() || server.isStarting() || closed) {
            throw new IllegalStateException("the server " + (closed ? "was closed" : "serves already"));
        }
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        ServletHolder jersey = new ServletHolder("coffer", new ServletContainer(application));
        jersey.setAsyncSupported(true); // a change stream (/v1/watch) suspends its request
        context.addServlet(jersey, "/*");
        // Jersey reads the raw request URI and decodes each path parameter once; the servlet paths
        // are not used for routing, so an encoded '/' in them is harmless.
        context.getServletHandler().setDecodeAmbiguousURIs(true);

        QoSHandler apiWorkers = new QoSHandler(context);
        apiWorkers.setMaxRequestCount(limits.concurrentApiRequests());
        apiWorkers.setMaxSuspend(limits.bodyReadTimeout());
        apiWorkers.excludePath("/health/*");
        // A change stream is a long request that holds no Jetty thread (its own worker writes it);
        // in the queue it would take a place from the API for as long as it is open.
        apiWorkers.excludePath("/v1/watch");
        if (application.getProperty(WATCHES_PROPERTY) instanceof WatchStreams streams) {
            watches = streams;
        }
        EagerContentHandler body = new EagerContentHandler(apiWorkers, new WholeBodyLoader(limits.bodyReadTimeout()));
        SizeLimitHandler size = new SizeLimitHandler(limits.maxBodyBytes(), -1);
        size.setHandler(new QueryEncodingHandler(body));
        if (application.getProperty(METRICS_PROPERTY) instanceof Metrics metrics) {
            server.setHandler(HttpServerMetrics.timed(size, metrics));
            HttpServerMetrics.bind(server, (QueuedThreadPool) server.getThreadPool(), metrics);
        } else {
            server.setHandler(size);
        }

        ProblemErrorHandler errors = new ProblemErrorHandler(limits);
        server.setErrorHandler(errors);
        context.setErrorHandler(errors);
        server.setStopTimeout(5_000);
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw new UncheckedIOException("cannot start the HTTP server on port " + port(),
                    e instanceof IOException io ? io : new IOException(e.getClass().getSimpleName()));
        }
    }

    private static RuntimeException bindFailure(String bind, int port, IOException e) {
        // Jetty wraps the JDK's BindException ("Address already in use", "Cannot assign requested address").
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException b) {
                String why = b.getMessage() == null ? "" : b.getMessage();
                if (why.toLowerCase(Locale.ROOT).contains("already in use")) {
                    return new AddressInUseException(bind, port, b);
                }
                return new UncheckedIOException("cannot listen on " + hostPort(bind, port)
                        + (why.isEmpty() ? "" : ": " + why.toLowerCase(Locale.ROOT)), b);
            }
        }
        return new UncheckedIOException("cannot listen on " + hostPort(bind, port), e);
    }

    /** {@code host:port}, with an IPv6 literal in brackets. */
    static String hostPort(String bind, int port) {
        return (bind.contains(":") ? "[" + bind + "]" : bind) + ":" + port;
    }

    /** The bound port. */
    public int port() {
        return connector().getLocalPort();
    }

    /** Connections open now (accepted and not yet closed), for leak checks and diagnostics. */
    public int openConnections() {
        return connector().getConnectedEndPoints().size();
    }

    /** Stops accepting requests and waits up to five seconds for those in flight; lets go of the port. */
    @Override
    public void close() {
        closed = true;
        WatchStreams streams = watches;
        if (streams != null) {
            streams.close();
        }
        try {
            server.stop();
        } catch (Exception e) {
            // stopping is best effort; the process is going away
        }
        // A server that never started does not stop its connector: close the port it holds.
        closeQuietly(connector());
    }

    private ServerConnector connector() {
        return (ServerConnector) server.getConnectors()[0];
    }

    private static void closeQuietly(ServerConnector connector) {
        try {
            connector.close();
        } catch (RuntimeException e) {
            // nothing left to release
        }
    }

}
