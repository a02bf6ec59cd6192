package dev.coffer.config.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.error.AccessDeniedException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.watch.ChangeBatch;
import dev.coffer.spi.watch.ChangeKind;
import dev.coffer.spi.watch.SecretChange;
import dev.coffer.spi.watch.WatchRequest;
import dev.coffer.tck.support.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RemoteChangeStream} against a real {@link HttpServer} playing scripted streams, one
 * script per connection: parsing, resuming with {@code Last-Event-ID}, reset, heartbeat ids,
 * bounds, refusals and close.
 */
class RemoteChangeStreamTest {
    private static final AccessContext CTX = AccessContext.of(Principal.of("service:test", "default"));
    private static final String READY = "retry: 50\nevent: ready\nid: %d\ndata: {\"cursor\":%d,\"resumed\":%b}\n\n";

    private HttpServer server;
    private final List<Map<String, String>> connections = new CopyOnWriteArrayList<>();
    private final List<BiConsumer<HttpExchange, OutputStream>> scripts = new CopyOnWriteArrayList<>();
    private final AtomicInteger connection = new AtomicInteger();
    private final CountDownLatch end = new CountDownLatch(1);
    private final List<String> tokens = new CopyOnWriteArrayList<>(List.of("token-1"));
    private final List<RemoteChangeStream> opened = new ArrayList<>();
    private RemoteSecretManager remote;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/v1/watch", exchange -> {
            int n = connection.getAndIncrement();
            Map<String, String> seen = new ConcurrentHashMap<>();
            seen.put("query", String.valueOf(exchange.getRequestURI().getRawQuery()));
            seen.put("authorization", exchange.getRequestHeaders().getFirst("Authorization"));
            String last = exchange.getRequestHeaders().getFirst("Last-Event-ID");
            if (last != null) {
                seen.put("last-event-id", last);
            }
            connections.add(seen);
            BiConsumer<HttpExchange, OutputStream> script = n < scripts.size() ? scripts.get(n) : (x, out) -> hold();
            try (OutputStream out = exchange.getResponseBody()) {
                script.accept(exchange, out);
            } catch (RuntimeException e) {
                // the client went away
            }
        });
        server.start();
        remote = RemoteSecretManager.builder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"))
                .bearerToken(ctx -> tokens.get(Math.min(connection.get(), tokens.size() - 1)))
                .requestTimeout(Duration.ofSeconds(2))
                .build();
    }

    @AfterEach
    void stop() {
        opened.forEach(RemoteChangeStream::close);
        end.countDown();
        server.stop(0);
    }

    private RemoteChangeStream watch(WatchRequest request) {
        RemoteChangeStream s = remote.watch(CTX, request);
        opened.add(s);
        return s;
    }

    private void script(BiConsumer<HttpExchange, OutputStream> s) {
        scripts.add(s);
    }

    private static void stream(HttpExchange x, OutputStream out, String... chunks) {
        try {
            x.getResponseHeaders().set("Content-Type", "text/event-stream");
            x.sendResponseHeaders(200, 0);
            for (String c : chunks) {
                out.write(c.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void problem(HttpExchange x, int status, String code) {
        try {
            byte[] body = ("{\"type\":\"about:blank\",\"status\":" + status + ",\"code\":\"" + code
                    + "\",\"title\":\"refused\",\"detail\":\"refused by the script\"}").getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "application/problem+json");
            x.sendResponseHeaders(status, body.length);
            x.getResponseBody().write(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void hold() {
        try {
            end.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String change(long seq, String kind, String path) {
        return "event: " + kind + "\nid: " + seq + "\ndata: {\"seq\":" + seq + ",\"kind\":\"" + kind
                + "\",\"environment\":\"prod\",\"path\":\"" + path + "\",\"version\":3,\"at\":\"2026-12-01T22:00:00.123456Z\"}\n\n";
    }

    /** Polls until a batch with changes or a reset arrives (or the deadline of {@link Await}). */
    private static ChangeBatch next(RemoteChangeStream s) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            ChangeBatch b = s.poll(100, Duration.ofMillis(200));
            if (!b.changes().isEmpty() || b.reset()) {
                return b;
            }
        }
        throw new AssertionError("no batch arrived");
    }

    @Test
    void changesAndHeartbeatsAreParsedAndADroppedStreamResumesAfterTheLastIdSeen() throws Exception {
        script((x, out) -> stream(x, out, String.format(READY, 5, 5, false), change(6, "version-added", "payments/db"),
                ": heartbeat\nid: 9\n\n")); // then the stream ends: a drop
        script((x, out) -> {
            stream(x, out, String.format(READY, 9, 9, true), "event: access-changed\r\nid: 12\r\n"
                    + "data: {\"seq\":12,\"kind\":\"access-changed\",\"at\":\"2026-12-01T22:00:01Z\"}\r\n\r\n");
            hold();
        });
        tokens.add("token-2");
        RemoteChangeStream s = watch(WatchRequest.of("prod", "payments/"));
        assertEquals("environment=prod&prefix=payments%2F", connections.get(0).get("query"));
        assertEquals("Bearer token-1", connections.get(0).get("authorization"));
        assertNull(connections.get(0).get("last-event-id"), "a watch from now on sends no Last-Event-ID");

        ChangeBatch first = next(s);
        SecretChange c = first.changes().get(0);
        assertEquals(6, c.seq());
        assertEquals(ChangeKind.VERSION_ADDED, c.kind());
        assertEquals("prod/payments/db", c.qualifiedPath());
        assertEquals(3, c.version());

        ChangeBatch second = next(s);
        assertEquals(ChangeKind.ACCESS_CHANGED, second.changes().get(0).kind());
        assertEquals(12, second.cursor());
        assertEquals("9", connections.get(1).get("last-event-id"), "the heartbeat's id is where the reconnect resumes");
        assertEquals("Bearer token-2", connections.get(1).get("authorization"), "each connect asks for the token again");
        assertEquals(1, s.reconnects());
        assertEquals(2, s.eventsReceived());
    }

    @Test
    void aResetTellsTheConsumerToRefreshEverythingAndTheStreamCarriesOn() throws Exception {
        script((x, out) -> {
            stream(x, out, "event: reset\nid: 40\ndata: {\"cursor\":40,\"reason\":\"REPLAY_UNAVAILABLE\"}\n\n",
                    String.format(READY, 40, 40, false), change(41, "version-disabled", "payments/db"));
            hold();
        });
        RemoteChangeStream s = watch(WatchRequest.of(null, null).resumingAfter(3));
        assertEquals("3", connections.get(0).get("last-event-id"));
        ChangeBatch reset = next(s);
        assertTrue(reset.reset());
        assertEquals(40, reset.cursor());
        ChangeBatch after = next(s);
        assertEquals(41, after.changes().get(0).seq());
        assertTrue(after.changes().get(0).kind().revokes());
    }

    @Test
    void anOversizeEventIsRefusedAndTheStreamIsReopenedPastWhatWasSeen() throws Exception {
        String huge = "event: version-added\nid: 8\ndata: " + "x".repeat(SseReader.MAX_LINE + 10) + "\n\n";
        script((x, out) -> {
            stream(x, out, String.format(READY, 7, 7, false), huge);
            hold();
        });
        script((x, out) -> {
            stream(x, out, String.format(READY, 7, 7, true), change(9, "alias-moved", "payments/db").replace(
                    "\"version\":3", "\"version\":3,\"alias\":\"current\""));
            hold();
        });
        RemoteChangeStream s = watch(WatchRequest.of(null, null));
        ChangeBatch b = next(s);
        assertEquals(9, b.changes().get(0).seq(), "the oversize event is never delivered");
        assertEquals("current", b.changes().get(0).alias());
        assertEquals("7", connections.get(1).get("last-event-id"));
        assertEquals(1, s.reconnects());
    }

    @Test
    void refusalsBeforeTheStreamOpensAreOurExceptions() {
        script((x, out) -> problem(x, 401, "UNAUTHENTICATED"));
        script((x, out) -> problem(x, 400, "INVALID_ARGUMENT"));
        assertEquals(ErrorCode.UNAUTHENTICATED,
                assertThrows(AccessDeniedException.class, () -> watch(WatchRequest.of(null, null))).code());
        assertEquals(ErrorCode.INVALID_ARGUMENT,
                assertThrows(InvalidRequestException.class, () -> watch(WatchRequest.of(null, null))).code());
    }

    @Test
    void aRefusalOnAReconnectIsSurfacedByPollAndTheStreamComesBack() throws Exception {
        script((x, out) -> stream(x, out, String.format(READY, 1, 1, false))); // drops at once
        script((x, out) -> problem(x, 403, "ACCESS_DENIED"));
        RemoteChangeStream s = watch(WatchRequest.of(null, null));
        Await.until("the refusal", () -> connections.size() >= 2);
        assertEquals(ErrorCode.ACCESS_DENIED, assertThrows(AccessDeniedException.class, () -> {
            while (true) {
                s.poll(10, Duration.ofMillis(200));
            }
        }).code());
        assertTrue(s.readerAlive(), "a 403 is retried (with long backoff), not the end");
    }

    @Test
    void aConsumerThatDoesNotPollHoldsTheServerBackAndLosesNothing() throws Exception {
        int total = 3000;
        script((x, out) -> {
            StringBuilder all = new StringBuilder(String.format(READY, 0, 0, false));
            for (int i = 1; i <= total; i++) {
                all.append(change(i, "version-added", "p/" + i));
            }
            stream(x, out, all.toString());
            hold();
        });
        RemoteChangeStream s = watch(WatchRequest.of(null, null));
        Thread.sleep(500); // the reader fills its queue, then blocks
        assertTrue(s.eventsReceived() <= RemoteChangeStream.QUEUE + 1, "received " + s.eventsReceived());
        long expected = 1;
        while (expected <= total) {
            for (SecretChange c : next(s).changes()) {
                assertEquals(expected++, c.seq());
            }
        }
        assertEquals(0, s.reconnects());
    }

    @Test
    void closeEndsTheStreamAndTheReaderThread() {
        script((x, out) -> {
            stream(x, out, String.format(READY, 1, 1, false));
            hold();
        });
        RemoteChangeStream s = watch(WatchRequest.of(null, null));
        assertTrue(s.readerAlive());
        s.close();
        Await.until("the reader ends", () -> !s.readerAlive());
        assertThrows(IllegalStateException.class, () -> s.poll(1, Duration.ZERO));
        assertFalse(s.readerAlive());
    }
}
