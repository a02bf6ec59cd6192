package dev.coffer.server.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server on a free loopback port that records the request line of every request it
 * gets (method and raw, undecoded path and query) and answers each with a 404 problem. It shows
 * what reached the wire: nothing, or exactly which path.
 */
final class RecordingServer implements AutoCloseable {
    private final HttpServer http;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    RecordingServer() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", exchange -> {
            URI uri = exchange.getRequestURI();
            requests.add(exchange.getRequestMethod() + " " + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
            byte[] body = "{\"code\":\"SECRET_NOT_FOUND\",\"detail\":\"recorded\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
            exchange.sendResponseHeaders(404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
    }

    /** The base URL. */
    String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/";
    }

    /** Every request line received so far, e.g. {@code GET /v1/secrets/prod/db}. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
