package dev.coffer.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.support.OneServerPerClass;
import dev.coffer.server.support.Reply;
import dev.coffer.spi.access.Policy;
import dev.coffer.tck.support.TestValues;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Policies, break-glass, audit, health, metrics and OpenAPI routes. */
class AdminApiTest extends OneServerPerClass {
    @Test
    void policiesCanBePutReadListedAndDeleted() {
        String policy = "{\"effect\":\"allow\",\"principals\":[\"group:readers\"],\"actions\":[\"secrets:read\"],"
                + "\"resources\":[\"prod/payments/*\"],\"conditions\":{\"mfa\":true}}";
        Reply put = server.send("PUT", "v1/policies/payments-read", server.adminToken, policy);
        assertEquals(200, put.status(), put::toString);
        assertEquals("payments-read", put.json().getString("name"));
        assertTrue(put.json().getJsonObject("conditions").getBoolean("mfa"));

        assertEquals("allow", server.get("v1/policies/payments-read").json().getString("effect"));
        assertTrue(server.get("v1/policies").json().getJsonArray("items").stream()
                .anyMatch(p -> p.asJsonObject().getString("name").equals("payments-read")));
        assertEquals(204, server.send("DELETE", "v1/policies/payments-read", server.adminToken, null).status());
        Reply gone = server.get("v1/policies/payments-read");
        assertEquals(404, gone.status());
        assertEquals("POLICY_NOT_FOUND", gone.code());
        assertEquals("POLICY_NOT_FOUND", server.send("DELETE", "v1/policies/payments-read", server.adminToken, null).code());
    }

    @Test
    void invalidPolicyIs400InvalidPolicy() {
        Reply reply = server.send("PUT", "v1/policies/bad", server.adminToken,
                "{\"effect\":\"allow\",\"principals\":[\"user:a\"],\"actions\":[\"secrets:fly\"],\"resources\":[\"*\"]}");
        assertEquals(400, reply.status());
        assertEquals("INVALID_POLICY", reply.code());
        Reply mismatch = server.send("PUT", "v1/policies/one", server.adminToken,
                "{\"name\":\"two\",\"effect\":\"allow\",\"principals\":[\"user:a\"],\"actions\":[\"secrets:read\"],\"resources\":[\"*\"]}");
        assertEquals("INVALID_POLICY", mismatch.code());
    }

    @Test
    void breakGlassGrantIs201AndReadUnderItIsAudited() {
        String id = server.create("prod", "glass/db");
        String value = TestValues.text();
        server.put(id, value, "CURRENT");
        server.allow(Policy.allow("oncall-glass", List.of("group:oncall"), List.of("secrets:read-break-glass"), List.of("prod/glass/*")));
        String oncall = server.token("bob", "oncall");
        assertEquals(403, server.send("GET", "v1/secrets/prod/glass/db", oncall, null).status());

        Reply grant = server.send("POST", "v1/break-glass/grants", oncall,
                "{\"resources\":[\"prod/glass/*\"],\"reason\":\"db down\",\"ticketUrl\":\"https://t/INC-1\",\"durationMinutes\":30}");
        assertEquals(201, grant.status(), grant::toString);
        assertTrue(grant.json().getString("id").startsWith("bg_"));
        assertEquals("user:bob", grant.json().getString("principal"));

        assertEquals(value, server.send("GET", "v1/secrets/prod/glass/db", oncall, null).json().getString("value"));
        Reply events = server.get("v1/audit?type=BREAK_GLASS_READ");
        assertEquals(1, events.json().getJsonArray("items").size());
        JsonObject summary = server.get("v1/audit/summary").json();
        assertEquals(1, summary.getJsonArray("breakGlassReads").size());
    }

    @Test
    void auditQueryFiltersAndVerifyReportsIntact() {
        String id = server.create("prod", "audit/me");
        server.put(id, TestValues.text(), "CURRENT");
        server.get("v1/secrets/prod/audit/me");
        Reply reads = server.get("v1/audit?environment=prod&path=audit/me&type=SECRET_READ&decision=ALLOW");
        assertEquals(200, reads.status());
        assertEquals(1, reads.json().getJsonArray("items").size());
        JsonObject event = reads.json().getJsonArray("items").getJsonObject(0);
        assertEquals("user:admin", event.getString("principal"));
        assertEquals("127.0.0.1", event.getString("sourceIp"));

        Reply verify = server.post("v1/audit/verify", null);
        assertEquals(200, verify.status());
        assertTrue(verify.json().getBoolean("intact"));
        assertTrue(verify.json().getJsonNumber("eventsChecked").longValue() > 0);
    }

    @Test
    void tenantAuditorsVerifySeeOnlyTheirTenantsFigures() {
        String id = server.create("prod", "audit/busy");
        server.put(id, TestValues.text(), "CURRENT");
        server.get("v1/secrets/prod/audit/busy");
        server.parts().policyStore().put("globex", Policy.allow("globex-auditors", List.of("group:auditors"),
                List.of("secrets:audit"), List.of("*")), dev.coffer.spi.store.BeforeCommit.none());
        String globexAuditor = server.token(new dev.coffer.server.auth.TokenMinter.TokenRequest("carol", List.of("auditors"),
                "globex", java.time.Duration.ofMinutes(10), false, null));
        assertEquals(200, server.send("GET", "v1/audit", globexAuditor, null).status()); // globex's first event

        JsonObject globex = server.send("POST", "v1/audit/verify", globexAuditor, null).json();
        JsonObject own = server.send("GET", "v1/audit", globexAuditor, null).json().getJsonArray("items").getJsonObject(0);
        assertTrue(globex.getBoolean("intact"));
        assertEquals("globex", globex.getString("tenant"));
        assertEquals(1, globex.getJsonNumber("eventsChecked").longValue(), "only globex's own event, not the log's total");
        assertEquals(own.getJsonNumber("seq").longValue(), globex.getJsonNumber("firstSeq").longValue());
        assertEquals(own.getJsonNumber("seq").longValue(), globex.getJsonNumber("lastSeq").longValue());

        JsonObject byDefault = server.post("v1/audit/verify", null).json();
        assertEquals("default", byDefault.getString("tenant"));
        assertTrue(byDefault.getJsonNumber("eventsChecked").longValue() >= 3);
        assertTrue(byDefault.getJsonNumber("lastSeq").longValue() > own.getJsonNumber("seq").longValue()
                || byDefault.getJsonNumber("firstSeq").longValue() < own.getJsonNumber("seq").longValue());
    }

    @Test
    void auditQueryWithUnknownTypeIs400() {
        Reply reply = server.get("v1/audit?type=NOPE");
        assertEquals(400, reply.status());
        assertEquals("INVALID_ARGUMENT", reply.code());
        assertEquals("INVALID_ARGUMENT", server.get("v1/audit?since=yesterday").code());
    }

    @Test
    void summaryCountsReadsByPrincipalAndSecret() {
        String id = server.create("prod", "summary/me");
        server.put(id, TestValues.text(), "CURRENT");
        server.get("v1/secrets/prod/summary/me");
        JsonObject summary = server.get("v1/audit/summary?since=2000-01-01T00:00:00Z").json();
        assertTrue(summary.getJsonObject("readsBySecret").getJsonNumber("prod/summary/me").longValue() >= 1);
        assertTrue(summary.getJsonObject("readsByPrincipal").containsKey("user:admin"));
    }

    @Test
    void healthIsOpenAndReady() {
        Reply live = server.send("GET", "health/live", null, null);
        assertEquals(200, live.status());
        assertEquals("UP", live.json().getString("status"));
        Reply ready = server.send("GET", "health/ready", null, null);
        assertEquals(200, ready.status());
        assertEquals("UP", ready.json().getJsonObject("checks").getString("store"));
    }

    @Test
    void metricsArePrometheusTextWithoutValuesOrPaths() {
        String id = server.create("prod", "metrics/me");
        String value = TestValues.text();
        server.put(id, value, "CURRENT");
        server.get("v1/secrets/prod/metrics/me");
        server.get("v1/secrets/prod/metrics/none");
        Reply metrics = server.get("metrics");
        assertEquals(200, metrics.status());
        assertTrue(metrics.header("Content-Type").startsWith("text/plain"));
        String text = metrics.body();
        for (String series : List.of("coffer_read_seconds_count", "coffer_reads_total{code=\"none\",outcome=\"success\"}",
                "coffer_reads_total{code=\"SECRET_NOT_FOUND\",outcome=\"failure\"}", "coffer_decrypt_seconds_count",
                "coffer_policy_decision_seconds_count", "coffer_denied_total", "kind=\"read\"}",
                "coffer_audit_append_seconds_count")) {
            assertTrue(text.contains(series), series);
        }
        assertTrue(!text.contains(value) && !text.contains("metrics/me") && !text.contains("user:admin"));
    }

    @Test
    void openApiDescribesTheApi() {
        Reply doc = server.get("openapi");
        assertEquals(200, doc.status());
        assertTrue(doc.body().startsWith("openapi: 3."));
        for (String path : List.of("/v1/secrets:", "/v1/secrets/{id}/aliases/{alias}:", "/v1/audit/verify:", "/v1/policies/{name}:",
                "/v1/break-glass/grants:")) {
            assertTrue(doc.body().contains(path), path);
        }
    }

    @Test
    void unknownRouteIsAProblem() {
        Reply reply = server.get("v1/nothing-here");
        assertEquals(404, reply.status());
        assertEquals("application/problem+json", reply.header("Content-Type"));
        assertEquals("ROUTE_NOT_FOUND", reply.code());
        Reply method = server.send("PUT", "v1/audit/verify", server.adminToken, "{}");
        assertEquals(405, method.status());
        assertEquals("METHOD_NOT_ALLOWED", method.code());
        assertEquals(JsonValue.ValueType.STRING, method.json().get("requestId").getValueType());
    }
}
