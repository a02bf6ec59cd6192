package dev.coffer.server.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.auth.TokenMinter;
import dev.coffer.server.standalone.HttpLimits;
import dev.coffer.server.support.SseStream;
import dev.coffer.server.support.SseStream.Event;
import dev.coffer.server.support.TestServer;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.InputStream;
import java.io.StringReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The HTTP side of {@code GET /v1/watch} on the standalone server: framing, heartbeats, resuming,
 * refusals, limits, token expiry, a client that never reads, many watchers, shutdown. The stream
 * is fed from the audit log's tail ({@link TestServer#startWatchingLog}); what the kernel's watch
 * filters is tested with the kernel.
 */
class WatchStreamTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final WatchSettings FAST = WatchSettings.DEFAULTS.withHeartbeat(Duration.ofSeconds(1));

    private static JsonObject json(String data) {
        return Json.createReader(new StringReader(data)).readObject();
    }

    @Test
    void aStreamStartsReadyThenCarriesEachChangeWithItsSeqAsIdAndNoValue() {
        try (TestServer server = TestServer.startWatchingLog(WatchSettings.DEFAULTS, HttpLimits.DEFAULTS);
                SseStream stream = SseStream.open(server.base(), "environment=prod&prefix=payments/", server.adminToken, null)) {
            assertEquals(200, stream.status);
            assertTrue(stream.header("content-type").startsWith("text/event-stream"), stream.header("content-type"));
            Event ready = stream.next(WAIT);
            assertEquals("ready", ready.name());
            assertEquals("2000", ready.retry());
            JsonObject readyData = json(ready.data());
            assertEquals(Long.parseLong(ready.id()), readyData.getJsonNumber("cursor").longValue());
            assertEquals(false, readyData.getBoolean("resumed"));

            server.create("dev", "payments/other"); // another environment: not in scope
            String id = server.create("prod", "payments/db");
            String value = TestValues.text();
            assertEquals(201, server.put(id, value, "CURRENT").status());

            Event created = stream.nextChange(WAIT);
            assertEquals("secret-created", created.name());
            JsonObject c = json(created.data());
            assertEquals(Long.parseLong(created.id()), c.getJsonNumber("seq").longValue());
            assertEquals("prod", c.getString("environment"));
            assertEquals("payments/db", c.getString("path"));
            assertTrue(c.containsKey("at"));
            Event added = stream.nextChange(WAIT);
            assertEquals("version-added", added.name());
            assertEquals(1, json(added.data()).getInt("version"));
            assertTrue(Long.parseLong(added.id()) > Long.parseLong(created.id()));
            assertNull(NoValueLeaks.firstIssuedValueIn(stream.text()), "no value in the stream");
        }
    }

    @Test
    void aQuietStreamCarriesHeartbeatsWithTheCursorAsId() {
        try (TestServer server = TestServer.startWatchingLog(FAST, HttpLimits.DEFAULTS);
                SseStream stream = SseStream.open(server.base(), null, server.adminToken, null)) {
            Event ready = stream.next(WAIT);
            Event beat = stream.next(WAIT);
            assertTrue(beat.heartbeat(), beat.toString());
            assertEquals(ready.id(), beat.id());
        }
    }

    @Test
    void lastEventIdReplaysExactlyWhatWasMissed() {
        try (TestServer server = TestServer.startWatchingLog(WatchSettings.DEFAULTS, HttpLimits.DEFAULTS)) {
            String lastSeen;
            try (SseStream stream = SseStream.open(server.base(), "environment=prod", server.adminToken, null)) {
                stream.next(WAIT);
                server.create("prod", "a");
                lastSeen = stream.nextChange(WAIT).id();
            }
            server.create("prod", "b");
            server.create("prod", "c");
            try (SseStream resumed = SseStream.open(server.base(), "environment=prod", server.adminToken, lastSeen)) {
                Event ready = resumed.next(WAIT);
                assertEquals("ready", ready.name());
                assertEquals(true, json(ready.data()).getBoolean("resumed"));
                assertEquals(lastSeen, ready.id());
                assertEquals("b", json(resumed.nextChange(WAIT).data()).getString("path"));
                assertEquals("c", json(resumed.nextChange(WAIT).data()).getString("path"));
                server.create("prod", "d");
                assertEquals("d", json(resumed.nextChange(WAIT).data()).getString("path"), "nothing replayed twice");
            }
        }
    }

    @Test
    void aLastEventIdTheLogCannotReplaySaysResetThenReady() {
        try (TestServer server = TestServer.startWatchingLog(WatchSettings.DEFAULTS, HttpLimits.DEFAULTS);
                SseStream stream = SseStream.open(server.base(), null, server.adminToken, "9000000000")) {
            Event reset = stream.next(WAIT);
            assertEquals("reset", reset.name());
            assertEquals("REPLAY_UNAVAILABLE", json(reset.data()).getString("reason"));
            Event ready = stream.next(WAIT);
            assertEquals("ready", ready.name());
            assertEquals(false, json(ready.data()).getBoolean("resumed"));
            assertEquals(reset.id(), ready.id());
        }
    }

    @Test
    void aMalformedLastEventIdOrScopeIsRefusedBeforeTheStreamOpens() {
        try (TestServer server = TestServer.startWatchingLog(WatchSettings.DEFAULTS, HttpLimits.DEFAULTS)) {
            for (String bad : List.of("abc", "-1", "1.5", "99999999999999999999", "9223372036854775808")) {
                try (SseStream stream = SseStream.open(server.base(), null, server.adminToken, bad)) {
                    assertEquals(400, stream.status, bad);
                    assertTrue(stream.body().contains("INVALID_ARGUMENT"), stream.body());
                    // The problem's random request id (a UUID) may hold "-1" or "1.5" by chance; everything else may not.
                    String requestId = json(stream.body()).getString("requestId");
                    assertTrue(!stream.body().replace(requestId, "").contains(bad), "not echoed: " + stream.body());
                }
            }
            try (SseStream stream = SseStream.open(server.base(), "environment=NO%20SUCH", server.adminToken, null)) {
                assertEquals(400, stream.status);
            }
            try (SseStream stream = SseStream.open(server.base(), "colour=red", server.adminToken, null)) {
                assertEquals(400, stream.status);
            }
            try (SseStream stream = SseStream.open(server.base(), null, null, null)) {
                assertEquals(401, stream.status);
            }
            assertEquals(0, server.watches().openStreams());
        }
    }

    @Test
    void aCallerBeyondItsStreamsGets429AndTheServerBeyondItsCapGets503() {
        WatchSettings small = new WatchSettings(3, 2, Duration.ofSeconds(15), Duration.ofSeconds(30));
        try (TestServer server = TestServer.startWatchingLog(small, HttpLimits.DEFAULTS)) {
            List<SseStream> open = new ArrayList<>();
            try {
                open.add(SseStream.open(server.base(), null, server.adminToken, null));
                open.add(SseStream.open(server.base(), null, server.adminToken, null));
                SseStream third = SseStream.open(server.base(), null, server.adminToken, null);
                assertEquals(429, third.status);
                assertTrue(third.body().contains("TOO_MANY_WATCHES"), third.body());
                assertNotNull(third.header("retry-after"));
                String other = server.token("other", "coffer-admins");
                open.add(SseStream.open(server.base(), null, other, null));
                SseStream fourth = SseStream.open(server.base(), null, other, null);
                assertEquals(503, fourth.status);
                assertTrue(fourth.body().contains("WATCH_CAPACITY_REACHED"), fourth.body());
                assertEquals(String.valueOf(WatchSettings.RETRY_AFTER_SECONDS), fourth.header("retry-after"));
                open.forEach(s -> assertEquals(200, s.status));
            } finally {
                open.forEach(SseStream::close);
            }
        }
    }

    @Test
    void theStreamEndsWhenTheCallersTokenExpires() throws Exception {
        try (TestServer server = TestServer.startWatchingLog(WatchSettings.DEFAULTS, HttpLimits.DEFAULTS)) {
            String shortLived = server.token(TokenMinter.TokenRequest.subject("admin").groups(List.of("coffer-admins"))
                    .ttl(Duration.ofSeconds(3)));
            try (SseStream stream = SseStream.open(server.base(), null, shortLived, null)) {
                assertEquals("ready", stream.next(WAIT).name());
                assertTrue(stream.awaitEnd(WAIT), "the stream ended at the token's expiry");
            }
        }
    }

    @Test
    void aHundredWatchersEachReceiveEveryEvent() {
        int watchers = 100;
        int changes = 50;
        try (TestServer server = TestServer.startWatchingLog(WatchSettings.DEFAULTS, HttpLimits.DEFAULTS)) {
            List<SseStream> streams = new ArrayList<>();
            try {
                for (int i = 0; i < watchers; i++) {
                    String token = server.token("watcher-" + i, "coffer-admins");
                    SseStream s = SseStream.open(server.base(), "environment=prod", token, null);
                    assertEquals("ready", s.next(WAIT).name());
                    streams.add(s);
                }
                for (int i = 0; i < changes; i++) {
                    server.create("prod", "many/s" + i);
                }
                for (SseStream s : streams) {
                    Set<String> paths = new java.util.HashSet<>();
                    for (int i = 0; i < changes; i++) {
                        Event e = s.nextChange(WAIT);
                        assertEquals("secret-created", e.name());
                        paths.add(json(e.data()).getString("path"));
                    }
                    assertEquals(changes, paths.size(), "each event once");
                }
            } finally {
                streams.forEach(SseStream::close);
            }
        }
    }

    @Test
    void aWatcherThatNeverReadsLosesItsStreamWhileOthersGetEveryEvent() throws Exception {
        // A short idle timeout is the write timeout of a blocked write: Jersey writes on the worker's
        // thread and blocks while the socket is full, so the stream holds one event, never a backlog.
        // Loopback send buffers autotune to megabytes: events of ~750 bytes, 8000 of them (~6 MB),
        // fill them and Jetty's buffers too, so the stuck stream's write really blocks.
        HttpLimits limits = new HttpLimits(HttpLimits.DEFAULTS.maxBodyBytes(), Duration.ofSeconds(15), Duration.ofSeconds(3), 200, 32);
        WatchSettings shortWrites = new WatchSettings(1000, 16, Duration.ofSeconds(1), Duration.ofSeconds(3));
        int changes = 8000;
        try (TestServer server = TestServer.startWatchingLog(shortWrites, limits);
                Socket stuck = new Socket()) {
            stuck.setReceiveBufferSize(4096);
            stuck.connect(new java.net.InetSocketAddress("127.0.0.1", server.base().getPort()));
            stuck.getOutputStream().write(("GET /v1/watch HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                    + "Authorization: Bearer " + server.adminToken + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            stuck.getOutputStream().flush();
            InputStream in = stuck.getInputStream();
            byte[] first = new byte[16];
            assertTrue(in.read(first) > 0, "the stream opened"); // then it never reads again

            try (SseStream reader = SseStream.open(server.base(), null, server.token("reader", "coffer-admins"), null)) {
                reader.next(WAIT);
                Runtime rt = Runtime.getRuntime();
                System.gc();
                long before = rt.totalMemory() - rt.freeMemory();
                String longName = "x".repeat(480);
                for (int i = 0; i < changes; i++) {
                    server.create("prod", "slow/" + longName + i);
                }
                Set<String> seen = ConcurrentHashMap.newKeySet();
                for (int i = 0; i < changes; i++) {
                    seen.add(json(reader.nextChange(WAIT).data()).getString("path"));
                }
                assertEquals(changes, seen.size(), "the reading watcher got every event");
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (server.watches().openStreams() > 1 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                if (server.watches().openStreams() > 1) {
                    Process ss = new ProcessBuilder("ss", "-tnmi", "sport", "=", ":" + server.base().getPort()).redirectErrorStream(true).start();
                    System.out.println(new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                    Thread.getAllStackTraces().forEach((t, st) -> {
                        if (t.getName().startsWith("coffer-watch")) {
                            System.out.println(t.getName() + " " + t.getState());
                            for (StackTraceElement e : st) System.out.println("  at " + e);
                        }
                    });
                }
                assertEquals(1, server.watches().openStreams(), "the stuck stream was closed");
                System.gc();
                long after = rt.totalMemory() - rt.freeMemory();
                System.out.printf("never-reading watcher: %d events of ~%d bytes produced; heap used before %d KiB, after %d KiB%n",
                        changes, 250 + longName.length(), before / 1024, after / 1024);
            }
        }
    }

    @Test
    void shutdownEndsOpenStreamsAndDoesNotHang() throws Exception {
        TestServer server = TestServer.startWatchingLog(WatchSettings.DEFAULTS, HttpLimits.DEFAULTS);
        SseStream stream = SseStream.open(server.base(), null, server.adminToken, null);
        assertEquals("ready", stream.next(WAIT).name());
        long start = System.nanoTime();
        server.close();
        System.out.printf("shutdown with an open stream took %d ms%n", (System.nanoTime() - start) / 1_000_000);
        assertTrue(stream.awaitEnd(WAIT), "the stream ended at shutdown");
        stream.close();
    }
}
