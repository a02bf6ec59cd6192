package dev.coffer.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code coffer watch} against a real HTTP server playing a scripted change stream: one JSON line
 * per change, a reset line, the query it asks for; a refusal on a reconnect ends it with the exit
 * code of the refusal.
 */
class CliWatchTest {
    private HttpServer server;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> queries = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/v1/watch", x -> {
            queries.add(String.valueOf(x.getRequestURI().getRawQuery()));
            if (connections.getAndIncrement() == 0) {
                x.getResponseHeaders().set("Content-Type", "text/event-stream");
                x.sendResponseHeaders(200, 0);
                try (OutputStream out = x.getResponseBody()) {
                    out.write(("retry: 50\nevent: ready\nid: 4\ndata: {\"cursor\":4,\"resumed\":false}\n\n"
                            + "event: version-added\nid: 5\ndata: {\"seq\":5,\"kind\":\"version-added\",\"environment\":\"prod\","
                            + "\"path\":\"payments/db\",\"version\":2,\"at\":\"2026-12-01T22:00:00.123456Z\"}\n\n"
                            + "event: reset\nid: 9\ndata: {\"cursor\":9,\"reason\":\"REPLAY_UNAVAILABLE\"}\n\n"
                            + "event: access-changed\nid: 10\ndata: {\"seq\":10,\"kind\":\"access-changed\",\"at\":\"2026-12-01T22:00:01Z\"}\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
            } else {
                byte[] body = "{\"status\":401,\"code\":\"UNAUTHENTICATED\",\"title\":\"expired\",\"detail\":\"the token expired\"}"
                        .getBytes(StandardCharsets.UTF_8);
                x.getResponseHeaders().set("Content-Type", "application/problem+json");
                x.sendResponseHeaders(401, body.length);
                x.getResponseBody().write(body);
                x.close();
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void printsOneJsonLinePerChangeAndEndsOnARefusal() {
        CliRun r = CliRun.run(Map.of(ClientOptions.ENV_URL, "http://127.0.0.1:" + server.getAddress().getPort() + "/",
                ClientOptions.ENV_TOKEN, "not-a-jwt"), null, "watch", "--environment", "prod", "--prefix", "payments/");
        assertEquals("environment=prod&prefix=payments%2F", queries.get(0));
        List<String> lines = r.out().lines().toList();
        assertEquals(List.of(
                "{\"seq\":5,\"kind\":\"version-added\",\"environment\":\"prod\",\"path\":\"payments/db\",\"version\":2,"
                        + "\"at\":\"2026-12-01T22:00:00.123456Z\"}",
                "{\"reset\":true,\"cursor\":9}",
                "{\"seq\":10,\"kind\":\"access-changed\",\"at\":\"2026-12-01T22:00:01Z\"}"), lines, r.toString());
        assertEquals(ExitCodes.UNAUTHENTICATED, r.exit(), r.toString());
        assertTrue(r.err().contains("UNAUTHENTICATED"), r.err());
    }
}
