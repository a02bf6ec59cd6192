package dev.coffer.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coffer.server.standalone.TrustedProxies;
import dev.coffer.server.support.TestServer;
import dev.coffer.spi.access.CidrBlock;
import dev.coffer.tck.support.NoValueLeaks;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The caller address audit records: the peer, or what {@code X-Forwarded-For} says only when the
 * peer is a trusted proxy and the entry is an IP literal. The test client's peer address is 127.0.0.1.
 */
@ExtendWith(NoValueLeaks.class)
class SourceAddressTest {

    @Test
    void forwardedForIsIgnoredByDefault() {
        try (TestServer server = TestServer.start()) {
            assertEquals("127.0.0.1", sourceIpOf(server, "10.9.9.9"));
        }
    }

    @Test
    void fromATrustedProxyTheRightmostUntrustedEntryIsTheCaller() {
        try (TestServer server = TestServer.startTrustingForwardedFor()) {
            // 6.6.6.6 was written by the client itself; 10.1.2.3 is what the proxy saw.
            assertEquals("10.1.2.3", sourceIpOf(server, "6.6.6.6, 10.1.2.3"));
            assertEquals("2001:db8::7", sourceIpOf(server, "2001:db8::7"));
        }
    }

    @Test
    void aChainOfTrustedProxiesIsWalkedRightToLeft() {
        TrustedProxies proxies = TrustedProxies.of(List.of(CidrBlock.parse("127.0.0.1"), CidrBlock.parse("10.0.0.0/8")));
        try (TestServer server = TestServer.startTrusting(proxies)) {
            // client -> 10.0.0.9 (edge proxy) -> 127.0.0.1 (local proxy) -> Coffer
            assertEquals("203.0.113.9", sourceIpOf(server, "6.6.6.6, 203.0.113.9, 10.0.0.9"));
            assertEquals("203.0.113.9", sourceIpOf(server, "203.0.113.9", "10.0.0.9"));
            // every hop trusted: the leftmost is the best there is
            assertEquals("10.0.0.1", sourceIpOf(server, "10.0.0.1, 10.0.0.9"));
        }
    }

    @Test
    void aPeerThatIsNoTrustedProxyIsTheCallerWhateverItSends() {
        try (TestServer server = TestServer.startTrusting(TrustedProxies.of(List.of(CidrBlock.parse("10.0.0.0/8"))))) {
            assertEquals("127.0.0.1", sourceIpOf(server, "203.0.113.9"));
        }
    }

    @ParameterizedTest(name = "X-Forwarded-For: {0} is not an address")
    @ValueSource(strings = {"garbage", "unknown", "10.0.0.5:4431", "[10.0.0.5]", "localhost", "beef", "127.1", "010.0.0.5",
        "fe80::1%eth0", "", "10.0.0.5 10.0.0.6"})
    void anEntryThatIsNoIpLiteralIsNeverTheCaller(String entry) {
        try (TestServer server = TestServer.startTrustingForwardedFor()) {
            assertEquals("127.0.0.1", sourceIpOf(server, entry));
            // the walk stops at the bad entry: an address left of it (client-written) is not taken either
            assertEquals("127.0.0.1", sourceIpOf(server, "10.9.9.9, " + entry));
        }
    }

    private static String sourceIpOf(TestServer server, String... forwardedFor) {
        String requestId = "xff-" + UUID.randomUUID();
        String[] headers = new String[2 + 2 * forwardedFor.length];
        headers[0] = "X-Request-Id";
        headers[1] = requestId;
        for (int i = 0; i < forwardedFor.length; i++) {
            headers[2 + 2 * i] = "X-Forwarded-For";
            headers[3 + 2 * i] = forwardedFor[i];
        }
        server.send("GET", "v1/secrets", server.adminToken, null, headers);
        JsonObject event = server.get("v1/audit?type=SECRET_LIST&limit=1000").json().getJsonArray("items").stream()
                .map(v -> v.asJsonObject())
                .filter(e -> requestId.equals(e.getString("requestId")))
                .findFirst().orElseThrow();
        return event.getString("sourceIp");
    }
}
