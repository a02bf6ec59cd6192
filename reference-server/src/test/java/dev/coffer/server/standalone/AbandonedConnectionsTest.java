package dev.coffer.server.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.support.LogCapture;
import dev.coffer.server.support.RawHttp;
import dev.coffer.server.support.TestServer;
import dev.coffer.tck.support.Await;
import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that hang up before (or while) the answer is written leave nothing behind: the server's
 * open connections and the process's file descriptors return to where they were, and the log
 * stays quiet. (Jersey's Jetty container leaked one socket per such client, for good, and logged
 * a SEVERE stack trace for each.)
 */
class AbandonedConnectionsTest {
    private static final int ABANDONED = 2_000;
    private static final int ABANDONED_MID_RESPONSE = 300;
    /** Descriptors the JVM may open meanwhile for its own reasons (jars, GC logs, selectors). */
    private static final int FD_SLACK = 32;
    /** A generous ceiling for what the whole run may log: a few lines at most, never one per client. */
    private static final int MAX_LOG_CHARS = 4_000;

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void clientsThatCloseBeforeReadingLeaveNoConnectionOrDescriptorOpen() throws IOException {
        int connections = settledConnections();
        long fds = openFileDescriptors();
        try (LogCapture log = LogCapture.start()) {
            byte[] request = "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < ABANDONED; i++) {
                try (Socket socket = new Socket("127.0.0.1", server.base().getPort())) {
                    if (i % 2 == 0) {
                        socket.setSoLinger(true, 0); // half of them reset instead of closing politely
                    }
                    socket.getOutputStream().write(request);
                }
            }
            awaitBaseline(connections, fds);
            assertQuiet(log);
        }
    }

    @Test
    void clientsThatCloseMidResponseLeaveNoConnectionOrDescriptorOpen() throws IOException {
        String id = server.create("prod", "abandoned/large");
        // ~60 KiB of JSON per answer: more than the socket buffers take at once, so the server is still writing.
        assertEquals(201, server.put(id, "z".repeat(60 * 1024), "CURRENT").status());
        int connections = settledConnections();
        long fds = openFileDescriptors();
        try (LogCapture log = LogCapture.start()) {
            byte[] request = ("GET /v1/secrets/prod/abandoned/large HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + server.adminToken + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < ABANDONED_MID_RESPONSE; i++) {
                try (Socket socket = new Socket("127.0.0.1", server.base().getPort())) {
                    socket.setReceiveBufferSize(1024);
                    socket.setSoLinger(true, 0);
                    socket.getOutputStream().write(request);
                    socket.getInputStream().readNBytes(512);
                }
            }
            awaitBaseline(connections, fds);
            assertQuiet(log);
        }
        RawHttp.Answer still = RawHttp.exchange(server.base().getPort(),
                "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 10_000);
        assertEquals(200, still.status());
    }

    // The test client's own pooled keep-alive connection stays open; the baseline counts it.
    private static int settledConnections() {
        return server.openConnections();
    }

    private static void awaitBaseline(int connections, long fds) {
        Await.until("the server holds no abandoned connection (open: " + server.openConnections() + ")",
                () -> server.openConnections() <= connections);
        Await.until("the process's descriptors return to the baseline",
                () -> openFileDescriptors() <= fds + FD_SLACK);
    }

    private static void assertQuiet(LogCapture log) {
        String text = log.text();
        assertEquals(0, log.countAtLeast(Level.SEVERE), () -> "SEVERE records: " + head(text));
        assertTrue(text.length() < MAX_LOG_CHARS, () -> text.length() + " chars logged: " + head(text));
    }

    private static String head(String text) {
        return text.length() > 1_500 ? text.substring(0, 1_500) + "..." : text;
    }

    private static long openFileDescriptors() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? 0 : fds.length;
    }
}
