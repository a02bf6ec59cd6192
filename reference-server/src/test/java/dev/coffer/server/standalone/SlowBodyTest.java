package dev.coffer.server.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.support.RawHttp;
import dev.coffer.server.support.Reply;
import dev.coffer.server.support.TestServer;
import dev.coffer.tck.support.NoValueLeaks;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Clients that send headers and part of a body, then stall, hold no worker: with far more of them
 * than the server has threads, health and API calls still answer at once, and each stalled
 * request ends as a 408 problem when the body read timeout passes (not a 500 after the idle
 * timeout, as when Jersey's container read bodies on a worker thread).
 */
@ExtendWith(NoValueLeaks.class)
class SlowBodyTest {
    /** Far more than the pool below: each would hold a worker if bodies were read on one. */
    private static final int STALLED = 250;
    private static final int THREADS = 40;
    private static final int RESERVED = 16;
    private static final Duration BODY_TIMEOUT = Duration.ofSeconds(6);

    @Test
    void stalledBodiesHoldNoWorkerAndEndAs408() throws IOException {
        HttpLimits limits = HttpLimits.DEFAULTS.withThreads(THREADS, RESERVED).withBodyReadTimeout(BODY_TIMEOUT);
        try (TestServer server = TestServer.start(limits)) {
            String id = server.create("prod", "slow/target");
            String weak = server.token("nobody"); // a valid token with no permissions, as in the attack
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < STALLED; i++) {
                    Socket socket = new Socket("127.0.0.1", server.base().getPort());
                    socket.setSoTimeout(30_000);
                    socket.getOutputStream().write(("POST /v1/secrets/" + id + "/versions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + "Authorization: Bearer " + weak + "\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n"
                            + "{\"value\":\"").getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    stalled.add(socket);
                }

                Reply live = server.send("GET", "health/live", null, null);
                assertEquals(200, live.status(), live::toString);
                Reply api = server.get("v1/secrets/" + id);
                assertEquals(200, api.status(), api::toString);
                Reply list = server.get("v1/secrets");
                assertEquals(200, list.status(), list::toString);
                // ... answered while every stalled request is still waiting for its body:
                int answeredEarly = 0;
                for (Socket socket : stalled) {
                    answeredEarly += socket.getInputStream().available() > 0 ? 1 : 0;
                }
                assertEquals(0, answeredEarly, "stalled requests were answered before their body timeout");

                for (Socket socket : stalled) {
                    RawHttp.Answer answer = RawHttp.read(socket.getInputStream());
                    assertEquals(408, answer.status(), answer::toString);
                    assertEquals("application/problem+json", answer.header("Content-Type"));
                    assertTrue(answer.body().contains("\"code\":\"REQUEST_TIMEOUT\""), answer::toString);
                }
            } finally {
                for (Socket socket : stalled) {
                    socket.close();
                }
            }
            assertEquals(200, server.send("GET", "health/live", null, null).status());
        }
    }
}
