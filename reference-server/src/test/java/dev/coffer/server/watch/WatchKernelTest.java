package dev.coffer.server.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.coffer.server.standalone.HttpLimits;
import dev.coffer.server.support.SseStream;
import dev.coffer.server.support.TestServer;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import jakarta.json.Json;
import java.io.StringReader;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code GET /v1/watch} over the kernel's own watch on the standalone server. */
class WatchKernelTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aChangeMadeThroughTheApiReachesAWatcherAsMetadataOnly() {
        try (TestServer server = TestServer.startWatching(WatchSettings.DEFAULTS, HttpLimits.DEFAULTS);
                SseStream stream = SseStream.open(server.base(), "environment=prod", server.adminToken, null)) {
            assertEquals(200, stream.status, stream.body());
            assertEquals("ready", stream.next(WAIT).name());
            String id = server.create("prod", "payments/db");
            assertEquals(201, server.put(id, TestValues.text(), "CURRENT").status());
            SseStream.Event created = stream.nextChange(WAIT);
            assertEquals("secret-created", created.name());
            assertEquals("payments/db", Json.createReader(new StringReader(created.data())).readObject().getString("path"));
            assertEquals("version-added", stream.nextChange(WAIT).name());
            assertNull(NoValueLeaks.firstIssuedValueIn(stream.text()));
        }
    }
}
