package dev.coffer.server.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * {@code GET /health} and {@code GET /metrics} on the JDK's HTTP server. Health is 200 when every
 * template is rendered from served values, 503 otherwise, with
 * {@code {"status":"UP|DOWN","templates":[{"destination":...,"state":"rendered|pending|revoked|failed","reason":...}]}};
 * metrics is Prometheus text. Neither shows a value.
 *
 * <pre>{@code
 * try (AgentEndpoints http = AgentEndpoints.start(agent, new Listen("127.0.0.1", 8787))) { ... }
 * }</pre>
 */
public final class AgentEndpoints implements AutoCloseable {
    private final HttpServer server;

    private AgentEndpoints(HttpServer server) {
        this.server = server;
    }

    /**
     * Listens on {@code listen}.
     *
     * @throws IOException when the address cannot be bound
     */
    public static AgentEndpoints start(Agent agent, Listen listen) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(listen.host(), listen.port()), 16);
        server.createContext("/health", exchange -> answer(exchange, () -> health(agent)));
        server.createContext("/metrics", exchange -> answer(exchange,
                () -> new Body(200, "text/plain; version=0.0.4; charset=utf-8", agent.metrics().prometheusText())));
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "coffer-agent-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return new AgentEndpoints(server);
    }

    /** The bound port (a free one when 0 was asked). */
    public int port() {
        return server.getAddress().getPort();
    }

    private record Body(int status, String type, String text) {}

    private static Body health(Agent agent) {
        JsonArrayBuilder templates = Json.createArrayBuilder();
        for (TemplateStatus s : agent.statuses()) {
            JsonObjectBuilder o = Json.createObjectBuilder().add("destination", s.destination()).add("state", s.state().word());
            if (s.reason() != null) {
                o.add("reason", s.reason());
            }
            templates.add(o);
        }
        boolean up = agent.healthy();
        String json = Json.createObjectBuilder().add("status", up ? "UP" : "DOWN").add("templates", templates).build().toString();
        return new Body(up ? 200 : 503, "application/json", json);
    }

    private static void answer(HttpExchange exchange, java.util.function.Supplier<Body> body) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Body b;
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET");
                b = new Body(405, "text/plain; charset=utf-8", "only GET\n");
            } else if (!path.equals("/health") && !path.equals("/metrics")) {
                b = new Body(404, "text/plain; charset=utf-8", "not found\n");
            } else {
                b = body.get();
            }
            byte[] bytes = b.text().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", b.type());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(b.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
