package dev.coffer.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.auth.TokenMinter;
import dev.coffer.server.support.Reply;
import dev.coffer.server.support.TestServer;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.tck.support.NoValueLeaks;
import jakarta.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /metrics} needs {@code secrets:metrics} in the operator tenant; the kernel decides and audits refusals. */
@ExtendWith(NoValueLeaks.class)
class MetricsAccessTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.allow(Policy.allow("readers", List.of("group:readers"), List.of("secrets:read", "secrets:audit"), List.of("*")));
        server.allow(Policy.allow("scrapers", List.of("service:ops:prometheus"), List.of("secrets:metrics"), List.of("*")));
        // Tenant acme's own administrator: every action on everything of acme.
        server.parts().policyStore().put("acme", Policy.allow("acme-admins", List.of("group:coffer-admins"), List.of("secrets:*"),
                List.of("*")), BeforeCommit.none());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void withoutATokenMetricsAre401() {
        Reply reply = server.send("GET", "metrics", null, null);
        assertEquals(401, reply.status());
        assertEquals("UNAUTHENTICATED", reply.code());
    }

    @Test
    void aTokenWithoutTheMetricsActionIs403AndAudited() {
        Reply reply = server.send("GET", "metrics", server.token("carol", "readers"), null, "X-Request-Id", "metrics-denied-1");
        assertEquals(403, reply.status(), reply::toString);
        assertEquals("ACCESS_DENIED", reply.code());
        JsonObject event = deniedEvent("metrics-denied-1");
        assertEquals("secrets:metrics", event.getString("action"));
        assertEquals("user:carol", event.getString("principal"));
    }

    @Test
    void anotherTenantsAdministratorIs403() {
        String acmeAdmin = server.token(TokenMinter.TokenRequest.subject("admin").groups(List.of("coffer-admins")).tenant("acme"));
        assertEquals(200, server.send("GET", "v1/policies", acmeAdmin, null).status(), "acme's admin is an admin in acme");
        Reply reply = server.send("GET", "metrics", acmeAdmin, null);
        assertEquals(403, reply.status(), reply::toString);
        assertEquals("ACCESS_DENIED", reply.code());
    }

    @Test
    void aPermittedOperatorGetsPrometheusTextAndLeavesNoAuditEvent() {
        Reply reply = server.send("GET", "metrics", server.token("service:ops:prometheus"), null, "X-Request-Id", "metrics-scrape-1");
        assertEquals(200, reply.status(), reply::toString);
        String type = reply.header("Content-Type");
        assertTrue(type.startsWith("text/plain") && type.contains("version=0.0.4"), type);
        assertTrue(reply.body().contains("# TYPE coffer_authentication_failures_total counter"), reply.body());
        assertTrue(server.get("v1/audit?limit=1000").json().getJsonArray("items").stream()
                .noneMatch(e -> "metrics-scrape-1".equals(e.asJsonObject().getString("requestId", ""))));
        assertEquals(200, server.get("metrics").status(), "the bootstrap admin (secrets:*) may scrape too");
    }

    private static JsonObject deniedEvent(String requestId) {
        return server.get("v1/audit?type=ACCESS_DENIED&limit=1000").json().getJsonArray("items").stream()
                .map(v -> v.asJsonObject())
                .filter(e -> requestId.equals(e.getString("requestId", "")))
                .findFirst().orElseThrow();
    }
}
