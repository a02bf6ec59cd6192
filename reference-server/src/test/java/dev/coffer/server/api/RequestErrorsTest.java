package dev.coffer.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.support.Reply;
import dev.coffer.server.support.TestServer;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bad bodies get precise 400/413 problems that never quote the body. */
@ExtendWith(NoValueLeaks.class)
class RequestErrorsTest {
    private static TestServer server;
    private static String id;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        id = server.create("prod", "errors/db");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void malformedJsonIs400WithoutEchoingTheBody() {
        String value = TestValues.text();
        Reply reply = server.post("v1/secrets/" + id + "/versions", "{\"value\":\"" + value + "\" \"status\" PENDING}");
        assertEquals(400, reply.status());
        assertEquals("application/problem+json", reply.header("Content-Type"));
        assertEquals("INVALID_ARGUMENT", reply.code());
        assertTrue(reply.json().getString("detail").contains("not valid JSON"), reply::toString);
        assertFalse(reply.body().contains(value));
        assertEquals(reply.header("X-Request-Id"), reply.json().getString("requestId"));
    }

    @Test
    void unterminatedStringHoldingAValueIsNotEchoed() {
        String value = TestValues.text();
        Reply reply = server.post("v1/secrets/" + id + "/versions", "{\"value\":\"" + value);
        assertEquals(400, reply.status());
        assertFalse(reply.body().contains(value));
        assertFalse(reply.body().contains(value.substring(10)));
    }

    @Test
    void unknownFieldIsRefusedByName() {
        Reply reply = server.post("v1/secrets", "{\"environment\":\"prod\",\"path\":\"x/y\",\"ownerTeam\":\"t\",\"owner\":\"t\"}");
        assertEquals(400, reply.status());
        assertEquals("INVALID_ARGUMENT", reply.code());
        assertTrue(reply.json().getString("detail").contains("unknown field 'owner'"), reply::toString);
    }

    @Test
    void unknownNestedFieldIsRefusedByName() {
        Reply reply = server.send("PUT", "v1/policies/p", server.adminToken, "{\"effect\":\"allow\",\"principals\":[\"user:a\"],"
                + "\"actions\":[\"secrets:read\"],\"resources\":[\"*\"],\"conditions\":{\"mfaa\":true}}");
        assertEquals(400, reply.status());
        assertTrue(reply.json().getString("detail").contains("unknown field 'conditions.mfaa'"), reply::toString);
    }

    @Test
    void wrongTypeIsNamedWithoutTheValue() {
        Reply reply = server.post("v1/secrets/" + id + "/aliases/current", "{\"version\":\"two\"}");
        assertEquals(400, reply.status());
        assertTrue(reply.json().getString("detail").contains("'version' must be an integer"), reply::toString);
        Reply number = server.post("v1/secrets/" + id + "/versions", "{\"value\":12345}");
        assertEquals(400, number.status());
        assertFalse(number.body().contains("12345"));
    }

    @Test
    void bothValueFormsAre400() {
        Reply reply = server.post("v1/secrets/" + id + "/versions", "{\"value\":\"a\",\"valueBase64\":\"YQ==\"}");
        assertEquals(400, reply.status());
        assertEquals("INVALID_ARGUMENT", reply.code());
        assertEquals(400, server.post("v1/secrets/" + id + "/versions", "{}").status());
        assertEquals(400, server.post("v1/secrets/" + id + "/versions", "{\"valueBase64\":\"%%%\"}").status());
        assertEquals(400, server.post("v1/secrets/" + id + "/versions", "{\"value\":\"a\",\"status\":\"PREVIOUS\"}").status());
    }

    @Test
    void emptyOrNonObjectBodyIs400() {
        assertEquals("INVALID_ARGUMENT", server.post("v1/secrets", "").code());
        assertEquals("INVALID_ARGUMENT", server.post("v1/secrets", "[1,2]").code());
        assertEquals("INVALID_ARGUMENT", server.post("v1/secrets", "null").code());
    }

    @Test
    void valueOver64KiBIs413() {
        String big = "x".repeat(64 * 1024 + 1);
        Reply reply = server.post("v1/secrets/" + id + "/versions", "{\"value\":\"" + big + "\"}");
        assertEquals(413, reply.status());
        assertEquals("VALUE_TOO_LARGE", reply.code());
        String bigBase64 = Base64.getEncoder().encodeToString(new byte[64 * 1024 + 1]);
        assertEquals(413, server.post("v1/secrets/" + id + "/versions", "{\"valueBase64\":\"" + bigBase64 + "\"}").status());
    }

    @Test
    void valueOfExactly64KiBIsAccepted() {
        String id64 = server.create("prod", "errors/exact");
        Reply reply = server.post("v1/secrets/" + id64 + "/versions", "{\"value\":\"" + "y".repeat(64 * 1024) + "\"}");
        assertEquals(201, reply.status(), reply::toString);
    }

    @Test
    void declaredBodyOverTheLimitIs413BeforeItIsSent() {
        String status = server.statusLineForDeclaredBody("POST", "v1/secrets/" + id + "/versions", server.adminToken, 600 * 1024);
        assertEquals("HTTP/1.1 413 Payload Too Large", status);
    }

    @Test
    void unsupportedMediaTypeIsAProblem() {
        Reply reply = server.send("POST", "v1/secrets", server.adminToken, null, "Content-Type", "text/plain");
        assertEquals(415, reply.status());
        assertEquals("UNSUPPORTED_MEDIA_TYPE", reply.code());
    }
}
