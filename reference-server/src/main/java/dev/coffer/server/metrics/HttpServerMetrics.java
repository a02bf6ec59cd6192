package dev.coffer.server.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.http.Outcome;
import io.micrometer.core.instrument.binder.jetty.JettyConnectionMetrics;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import io.micrometer.jetty12.server.JettyCoreRequestTagsProvider;
import io.micrometer.jetty12.server.TimedHandler;
import java.util.Set;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The standalone Jetty server's meters, from Micrometer's Jetty binders: every request timed as
 * {@code jetty_server_requests_seconds{method,status,outcome}}, connections
 * ({@code jetty_connections_*}) and the request thread pool ({@code jetty_threads_*}).
 *
 * <pre>{@code
 * server.setHandler(HttpServerMetrics.timed(handler, metrics));
 * HttpServerMetrics.bind(server, threads, metrics);
 * }</pre>
 *
 * <p>The request tags are bounded whatever a client sends: the method is one of the methods the API
 * knows or {@code OTHER} (Jetty accepts any token as a method), the status is its class
 * ({@code 2xx}...), and there is no path tag at all (the path holds secret names and ids).
 */
public final class HttpServerMetrics {
    /** The methods reported by name; any other is {@code OTHER}. */
    static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    // Where Micrometer's TimedHandler leaves the response status on the request for the tags provider.
    private static final String STATUS_ATTRIBUTE = "__micrometer_jetty_core_response_status";

    private HttpServerMetrics() {}

    /** {@code handler} wrapped in a handler that times every request it sees into {@code metrics}. */
    public static Handler timed(Handler handler, Metrics metrics) {
        TimedHandler timed = new TimedHandler(metrics.registry(), Tags.empty(), HttpServerMetrics::tags);
        timed.setHandler(handler);
        return timed;
    }

    /** Connection meters on every connector of {@code server}, and {@code threads}' pool meters. */
    public static void bind(Server server, QueuedThreadPool threads, Metrics metrics) {
        MeterRegistry registry = metrics.registry();
        JettyConnectionMetrics.addToAllConnectors(server, registry, Tags.empty());
        new JettyServerThreadPoolMetrics(threads, Tags.empty()).bindTo(registry);
    }

    static Iterable<Tag> tags(Request request) {
        Object status = request.getAttribute(STATUS_ATTRIBUTE);
        return Tags.of(Tag.of("method", method(request.getMethod())),
                Tag.of("status", status instanceof Integer code ? statusClass(code) : "UNKNOWN"),
                (status instanceof Integer code ? Outcome.forStatus(code) : Outcome.UNKNOWN).asTag());
    }

    static String method(String method) {
        return method != null && METHODS.contains(method) ? method : "OTHER";
    }

    static String statusClass(int status) {
        return status >= 100 && status < 600 ? (status / 100) + "xx" : "UNKNOWN";
    }
}
