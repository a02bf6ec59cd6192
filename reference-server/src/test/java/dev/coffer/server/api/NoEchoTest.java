package dev.coffer.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.support.OneServerPerClass;
import dev.coffer.server.support.Reply;
import dev.coffer.server.support.TestServer.RawReply;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Error bodies name the field and the rule, never the caller's text: a distinctive marker sent in
 * every field, path segment and query value that can be refused never comes back.
 */
class NoEchoTest extends OneServerPerClass {
    private static final String MARKER = "Qx7Marker";
    private static String id;

    @BeforeAll
    static void createOne() {
        id = server.create("prod", "echo/db");
    }

    @Test
    void refusedBodyFieldsAreNotEchoed() {
        String[] creates = {
            "{\"environment\":\"" + MARKER + "\",\"path\":\"a\",\"ownerTeam\":\"t\"}",
            "{\"environment\":\"prod\",\"path\":\"a/" + MARKER + " x\",\"ownerTeam\":\"t\"}",
            "{\"environment\":\"prod\",\"path\":\"a/../" + MARKER + "\",\"ownerTeam\":\"t\"}",
            "{\"environment\":\"prod\",\"path\":\"a\",\"ownerTeam\":\"" + MARKER + " Team\"}",
            "{\"environment\":\"prod\",\"path\":\"a\",\"ownerTeam\":\"t\",\"rotationStrategy\":\"" + MARKER + "!\"}",
            "{\"environment\":\"prod\",\"path\":\"a\",\"ownerTeam\":\"t\",\"rotationPeriod\":\"" + MARKER + "\"}",
            "{\"environment\":\"prod\",\"path\":\"a\",\"ownerTeam\":\"t\",\"rotationPeriod\":\"99999999d" + "\"}",
            "{\"environment\":\"prod\",\"path\":\"a\",\"ownerTeam\":\"t\",\"labels\":{\"" + MARKER + "\":\"v\"}}",
            "{\"environment\":\"prod\",\"path\":\"a\",\"ownerTeam\":\"t\",\"description\":\"" + MARKER + "\\u0000\"}"};
        for (String body : creates) {
            assertRefusedWithoutEcho(server.post("v1/secrets", body));
        }
        assertRefusedWithoutEcho(server.send("PATCH", "v1/secrets/" + id, server.adminToken,
                "{\"rotationPeriod\":\"" + MARKER + "\"}"));
        assertRefusedWithoutEcho(server.send("PATCH", "v1/secrets/" + id, server.adminToken,
                "{\"ownerTeam\":\"" + MARKER + "!\"}"));
        String[] versions = {
            "{\"value\":\"x\",\"status\":\"" + MARKER + "\"}",
            "{\"value\":\"x\",\"expiresAt\":\"" + MARKER + "\"}",
            "{\"value\":\"x\",\"expiresAt\":\"2020-13-01T" + MARKER + "\"}",
            "{\"valueBase64\":\"" + MARKER + "%%\"}"};
        for (String body : versions) {
            assertRefusedWithoutEcho(server.post("v1/secrets/" + id + "/versions", body));
        }
        assertRefusedWithoutEcho(server.post("v1/secrets/" + id + "/aliases/" + MARKER, "{\"version\":1}"));
        assertRefusedWithoutEcho(server.post("v1/break-glass/grants", "{\"resources\":[\"" + MARKER + "/../x\"],"
                + "\"reason\":\"r\",\"ticketUrl\":\"t\",\"durationMinutes\":5}"));
    }

    @Test
    void refusedPolicyFieldsAreNotEchoed() {
        String[] policies = {
            "{\"name\":\"" + MARKER + "\",\"effect\":\"allow\",\"principals\":[\"user:a\"],\"actions\":[\"secrets:read\"],\"resources\":[\"*\"]}",
            "{\"effect\":\"" + MARKER + "\",\"principals\":[\"user:a\"],\"actions\":[\"secrets:read\"],\"resources\":[\"*\"]}",
            "{\"effect\":\"allow\",\"principals\":[\"" + MARKER + " x\"],\"actions\":[\"secrets:read\"],\"resources\":[\"*\"]}",
            "{\"effect\":\"allow\",\"principals\":[\"user:a\"],\"actions\":[\"" + MARKER + "\"],\"resources\":[\"*\"]}",
            "{\"effect\":\"allow\",\"principals\":[\"user:a\"],\"actions\":[\"secrets:read\"],\"resources\":[\"" + MARKER + "/*/x\"]}",
            "{\"effect\":\"allow\",\"principals\":[\"user:a\"],\"actions\":[\"secrets:read\"],\"resources\":[\"*\"],"
                    + "\"conditions\":{\"sourceCidr\":[\"" + MARKER + "\"]}}"};
        for (String body : policies) {
            assertRefusedWithoutEcho(server.send("PUT", "v1/policies/echo-policy", server.adminToken, body));
        }
        assertRefusedWithoutEcho(server.get("v1/policies/" + MARKER));
    }

    @Test
    void refusedQueryValuesAreNotEchoed() {
        String[] gets = {
            "v1/secrets?environment=" + MARKER, "v1/secrets?limit=" + MARKER,
            "v1/secrets?pageToken=" + MARKER, "v1/audit?type=" + MARKER, "v1/audit?decision=" + MARKER,
            "v1/audit?since=" + MARKER, "v1/audit?until=" + MARKER, "v1/audit/summary?since=" + MARKER,
            "v1/secrets/prod/echo/db?version=" + MARKER, "v1/secrets/prod/echo/db?alias=" + MARKER,
            "v1/secrets/" + MARKER + "/db", "v1/metadata/" + MARKER + "/db", "v1/secrets/prod/" + MARKER + "%20x"};
        for (String get : gets) {
            assertRefusedWithoutEcho(server.get(get));
        }
        assertRefusedWithoutEcho(server.send("DELETE", "v1/secrets/" + id + "?recoveryWindowDays=" + MARKER, server.adminToken, null));
        RawReply traversal = server.rawGet("/v1/secrets/prod/../" + MARKER, server.adminToken);
        assertEquals(400, traversal.status(), traversal::body);
        assertFalse(traversal.body().toLowerCase(Locale.ROOT).contains(MARKER.toLowerCase(Locale.ROOT)), traversal::body);
    }

    private static void assertRefusedWithoutEcho(Reply reply) {
        assertTrue(reply.status() >= 400 && reply.status() < 500, reply::toString);
        assertFalse(reply.body().toLowerCase(Locale.ROOT).contains(MARKER.toLowerCase(Locale.ROOT)), reply::toString);
    }
}
