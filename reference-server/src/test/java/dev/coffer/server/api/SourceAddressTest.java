package dev.coffer.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coffer.server.support.TestServer;
import dev.coffer.tck.support.NoValueLeaks;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The caller address audit records: the peer, or the proxy-seen address only when trusted. */
@ExtendWith(NoValueLeaks.class)
class SourceAddressTest {

    @Test
    void forwardedForIsIgnoredByDefault() {
        try (TestServer server = TestServer.start()) {
            server.send("GET", "v1/secrets", server.adminToken, null, "X-Forwarded-For", "10.9.9.9", "X-Request-Id", "xff-off");
            assertEquals("127.0.0.1", listEvent(server, "xff-off").getString("sourceIp"));
        }
    }

    @Test
    void trustedForwardedForUsesTheLastHop() {
        try (TestServer server = TestServer.startTrustingForwardedFor()) {
            server.send("GET", "v1/secrets", server.adminToken, null, "X-Forwarded-For", "6.6.6.6, 10.1.2.3", "X-Request-Id", "xff-on");
            assertEquals("10.1.2.3", listEvent(server, "xff-on").getString("sourceIp"));
        }
    }

    private static JsonObject listEvent(TestServer server, String requestId) {
        return server.get("v1/audit?type=SECRET_LIST&limit=1000").json().getJsonArray("items").stream()
                .map(v -> v.asJsonObject())
                .filter(e -> requestId.equals(e.getString("requestId")))
                .findFirst().orElseThrow();
    }
}
