package dev.coffer.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.coffer.server.support.OneServerPerClass;
import dev.coffer.server.support.Reply;
import dev.coffer.tck.support.TestValues;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

/** X-Request-Id on every response and in audit; reason and ticket headers in audit. */
class RequestIdTest extends OneServerPerClass {
    @Test
    void givenRequestIdIsEchoedAndRecordedInAudit() {
        String id = server.create("prod", "rid/db");
        server.put(id, TestValues.text(), "CURRENT");
        Reply read = server.send("GET", "v1/secrets/prod/rid/db", server.adminToken, null,
                "X-Request-Id", "trace-42.a", "X-Coffer-Reason", "debugging", "X-Coffer-Ticket", "INC-7");
        assertEquals("trace-42.a", read.header("X-Request-Id"));
        JsonObject event = server.get("v1/audit?type=SECRET_READ&path=rid/db").json().getJsonArray("items").getJsonObject(0);
        assertEquals("trace-42.a", event.getString("requestId"));
        assertEquals("debugging", event.getString("reason"));
        assertEquals("INC-7", event.getString("ticket"));
        assertEquals("127.0.0.1", event.getString("sourceIp"));
    }

    @Test
    void missingOrUnusableRequestIdIsGenerated() {
        Reply plain = server.get("v1/secrets");
        assertNotNull(plain.header("X-Request-Id"));
        Reply weird = server.send("GET", "v1/secrets", server.adminToken, null, "X-Request-Id", "bad id with spaces");
        assertNotEquals("bad id with spaces", weird.header("X-Request-Id"));
        assertEquals(36, weird.header("X-Request-Id").length());
    }

    @Test
    void errorsAndUnauthenticatedResponsesCarryTheRequestId() {
        Reply unauthenticated = server.send("GET", "v1/secrets", null, null, "X-Request-Id", "rid-401");
        assertEquals("rid-401", unauthenticated.header("X-Request-Id"));
        assertEquals("rid-401", unauthenticated.json().getString("requestId"));
        Reply notFound = server.send("GET", "v1/secrets/prod/none/here", server.adminToken, null, "X-Request-Id", "rid-404");
        assertEquals("rid-404", notFound.json().getString("requestId"));
        Reply health = server.send("GET", "health/live", null, null, "X-Request-Id", "rid-health");
        assertEquals("rid-health", health.header("X-Request-Id"));
    }

    @Test
    void controlCharactersInReasonAre400() {
        Reply reply = server.send("GET", "v1/secrets", server.adminToken, null, "X-Coffer-Reason", "x".repeat(600));
        assertEquals(400, reply.status());
        assertEquals("INVALID_ARGUMENT", reply.code());
    }
}
