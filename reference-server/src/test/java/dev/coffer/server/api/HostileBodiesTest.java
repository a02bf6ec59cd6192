package dev.coffer.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.support.OneServerPerClass;
import dev.coffer.server.support.Reply;
import dev.coffer.tck.support.TestValues;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bodies a hostile or careless client sends: durations, instants and numbers out of range, JSON
 * that only a lenient reader accepts, text a database would refuse or change. Each is a 400 with a
 * problem naming the field and the rule, and nothing is written.
 */
class HostileBodiesTest extends OneServerPerClass {

    // ---- item 13: the poison rotation period and other unbounded durations and instants

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"999999999999d", "P999999999999D", "PT2562047788015215H", "30m", "3651d", "0", "PT0.5S"})
    void createWithARotationPeriodOutOfBoundsIs400AndWritesNothing(String period) {
        long creates = events("SECRET_CREATE");
        Reply reply = server.post("v1/secrets", "{\"environment\":\"prod\",\"path\":\"poison/create\",\"ownerTeam\":\"payments\","
                + "\"rotationPeriod\":\"" + period + "\"}");
        assertEquals(400, reply.status(), reply::toString);
        assertEquals("INVALID_ARGUMENT", reply.code());
        assertTrue(reply.json().getString("detail").startsWith("rotationPeriod "), reply::toString);
        Reply listing = server.get("v1/secrets?environment=prod&prefix=poison/create");
        assertEquals(200, listing.status(), listing::toString);
        assertTrue(listing.json().getJsonArray("items").isEmpty(), "the refused secret was stored");
        assertEquals(creates, events("SECRET_CREATE"));
    }

    @Test
    void patchWithThePoisonRotationPeriodIs400AndChangesNothing() {
        String id = server.create("prod", "poison/patch");
        long updates = events("SECRET_UPDATE");
        for (String period : new String[] {"999999999999d", "P999999999999D", "3651d", "59m"}) {
            Reply reply = server.send("PATCH", "v1/secrets/" + id, server.adminToken, "{\"rotationPeriod\":\"" + period + "\"}");
            assertEquals(400, reply.status(), reply::toString);
            assertTrue(reply.json().getString("detail").startsWith("rotationPeriod "), reply::toString);
        }
        Reply described = server.get("v1/secrets/" + id);
        assertEquals(200, described.status(), described::toString);
        assertFalse(described.json().getJsonObject("secret").containsKey("rotationPeriod"));
        assertEquals(200, server.get("v1/secrets").status());
        assertEquals(200, server.get("v1/audit/summary").status());
        assertEquals(updates, events("SECRET_UPDATE"));
    }

    @Test
    void rotationPeriodsAtTheBoundsAreAccepted() {
        Reply shortest = server.post("v1/secrets", "{\"environment\":\"prod\",\"path\":\"poison/hour\",\"ownerTeam\":\"payments\","
                + "\"rotationPeriod\":\"1h\"}");
        assertEquals(201, shortest.status(), shortest::toString);
        Reply longest = server.send("PATCH", "v1/secrets/" + shortest.json().getString("id"), server.adminToken,
                "{\"rotationPeriod\":\"3650d\"}");
        assertEquals(200, longest.status(), longest::toString);
        assertEquals("PT87600H", longest.json().getString("rotationPeriod"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"+10000-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "1969-12-31T23:59:59Z", "-0001-01-01T00:00:00Z"})
    void expiresAtOutOfBoundsIs400AndAddsNoVersion(String expiresAt) {
        String id = server.create("prod", "expiry/" + Math.abs(expiresAt.hashCode()));
        Reply reply = server.post("v1/secrets/" + id + "/versions",
                "{\"value\":\"" + TestValues.text() + "\",\"expiresAt\":\"" + expiresAt + "\"}");
        assertEquals(400, reply.status(), reply::toString);
        assertTrue(reply.json().getString("detail").startsWith("expiresAt must lie between"), reply::toString);
        assertTrue(versions(id).isEmpty());
    }

    @Test
    void auditBoundsOutOfRangeAre400() {
        Reply reply = server.get("v1/audit?since=%2B10000-01-01T00:00:00Z");
        assertEquals(400, reply.status(), reply::toString);
        assertEquals(400, server.get("v1/audit/summary?since=-5000-01-01T00:00:00Z").status());
    }

    // ---- item 14: integers never wrap around

    @Test
    void aliasVersionsBeyond32BitsAre400AndMoveNothing() {
        String id = server.create("prod", "wrap/alias");
        server.put(id, TestValues.text(), "CURRENT");
        server.put(id, TestValues.text(), "CURRENT");
        String[][] bodies = {
            {"{\"version\":18446744073709551617,\"expectedPreviousVersion\":2}", "version"},
            {"{\"version\":4294967297,\"expectedPreviousVersion\":2}", "version"},
            {"{\"version\":1,\"expectedPreviousVersion\":18446744073709551618}", "expectedPreviousVersion"},
            {"{\"version\":1.5,\"expectedPreviousVersion\":2}", "version"},
            {"{\"version\":1e400,\"expectedPreviousVersion\":2}", "version"},
            {"{\"version\":1,\"expectedPreviousVersion\":-4294967294}", "expectedPreviousVersion"}};
        for (String[] body : bodies) {
            Reply reply = server.post("v1/secrets/" + id + "/aliases/current", body[0]);
            assertEquals(400, reply.status(), () -> body[0] + " -> " + reply);
            assertTrue(reply.json().getString("detail").startsWith("field '" + body[1] + "' must be an integer"), reply::toString);
        }
        assertEquals(2, server.get("v1/secrets/" + id).json().getJsonObject("aliases").getInt("current"));
    }

    @Test
    void breakGlassDurationBeyond32BitsIs400() {
        Reply reply = server.post("v1/break-glass/grants", "{\"resources\":[\"prod/wrap/*\"],\"reason\":\"incident\","
                + "\"ticketUrl\":\"INC-1\",\"durationMinutes\":4294967326}");
        assertEquals(400, reply.status(), reply::toString);
        assertTrue(reply.json().getString("detail").contains("'durationMinutes'"), reply::toString);
    }

    @Test
    void queryIntegersBeyond32BitsAre400() {
        String id = server.create("prod", "wrap/query");
        assertEquals("INVALID_ARGUMENT", server.get("v1/secrets?limit=4294967297").code());
        assertEquals("INVALID_ARGUMENT", server.get("v1/audit?limit=18446744073709551617").code());
        assertEquals("INVALID_ARGUMENT", server.get("v1/secrets/prod/wrap/query?version=4294967297").code());
        Reply delete = server.send("DELETE", "v1/secrets/" + id + "?recoveryWindowDays=4294967303", server.adminToken, null);
        assertEquals(400, delete.status(), delete::toString);
        assertFalse(server.get("v1/secrets/" + id).json().getJsonObject("secret").containsKey("deletionScheduledAt"));
    }

    // ---- item 15: huge numbers, deep nesting, control characters

    @Test
    void numbersOfMoreThan64CharactersAre400() {
        String id = server.create("prod", "huge/number");
        Reply reply = server.post("v1/secrets/" + id + "/aliases/current", "{\"version\":" + "9".repeat(1200) + "}");
        assertEquals(400, reply.status(), reply::toString);
        assertEquals("field 'version' holds a number of more than 64 characters", reply.json().getString("detail"));
        Reply fraction = server.post("v1/secrets/" + id + "/aliases/current", "{\"version\":0." + "1".repeat(1200) + "}");
        assertEquals(400, fraction.status(), fraction::toString);
    }

    @Test
    void nestingDeeperThan32LevelsIs400() {
        Reply reply = server.post("v1/secrets", "{\"environment\":\"prod\",\"path\":\"deep/x\",\"ownerTeam\":\"t\",\"labels\":"
                + "[".repeat(2000) + "]".repeat(2000) + "}");
        assertEquals(400, reply.status(), reply::toString);
        assertTrue(reply.json().getString("detail").endsWith("nests objects and arrays deeper than 32 levels"), reply::toString);
        Reply objects = server.post("v1/secrets", "{\"labels\":" + "{\"a\":".repeat(1500) + "1" + "}".repeat(1500) + "}");
        assertEquals(400, objects.status(), objects::toString);
    }

    @Test
    void controlCharactersInTextFieldsAre400AndStoreNothing() {
        Reply description = server.post("v1/secrets", "{\"environment\":\"prod\",\"path\":\"text/nul\",\"ownerTeam\":\"t\","
                + "\"description\":\"a\\u0000b\"}");
        assertEquals(400, description.status(), description::toString);
        assertEquals("description has a control character at position 2; text fields take no control characters"
                + " (U+0000-U+001F, U+007F-U+009F), lone surrogates or noncharacters", description.json().getString("detail"));
        Reply label = server.post("v1/secrets", "{\"environment\":\"prod\",\"path\":\"text/nul\",\"ownerTeam\":\"t\","
                + "\"labels\":{\"tier\":\"\\u001b[31mred\"}}");
        assertEquals(400, label.status(), label::toString);
        assertTrue(label.json().getString("detail").startsWith("label 'tier' has a control character"), label::toString);
        assertTrue(server.get("v1/secrets?prefix=text/nul").json().getJsonArray("items").isEmpty());

        String id = server.create("prod", "text/patched");
        Reply patch = server.send("PATCH", "v1/secrets/" + id, server.adminToken, "{\"description\":\"x\\u0085y\"}");
        assertEquals(400, patch.status(), patch::toString);
        assertEquals("", server.get("v1/secrets/" + id).json().getJsonObject("secret").getString("description"));

        Reply policy = server.send("PUT", "v1/policies/text-nul", server.adminToken, "{\"effect\":\"allow\","
                + "\"principals\":[\"user:a\"],\"actions\":[\"secrets:read\"],\"resources\":[\"*\"],"
                + "\"conditions\":{\"sourceCluster\":[\"eu\\u0000west\"]}}");
        assertEquals(400, policy.status(), policy::toString);
        assertTrue(policy.json().getString("detail").startsWith("sourceCluster has a control character"), policy::toString);
        assertEquals(404, server.get("v1/policies/text-nul").status());

        Reply grant = server.post("v1/break-glass/grants", "{\"resources\":[\"prod/text/*\"],\"reason\":\"bell\\u0007\","
                + "\"ticketUrl\":\"INC-1\",\"durationMinutes\":30}");
        assertEquals(400, grant.status(), grant::toString);
    }

    @Test
    void controlCharactersInQueryFiltersAre400() {
        for (String query : new String[] {"v1/secrets?prefix=a%00b", "v1/audit?principal=user:a%00", "v1/audit?path=db%0Ax",
            "v1/audit?environment=prod%1B"}) {
            Reply reply = server.get(query);
            assertEquals(400, reply.status(), () -> query + " -> " + reply);
            assertTrue(reply.json().getString("detail").contains("has a control character"), reply::toString);
        }
    }

    @Test
    void unicodeTextIsKeptAsSent() {
        String text = "Zürich 🔑 密钥 — ok";
        Reply created = server.post("v1/secrets", "{\"environment\":\"prod\",\"path\":\"text/unicode\",\"ownerTeam\":\"t\","
                + "\"description\":\"" + text + "\",\"labels\":{\"city\":\"Zürich 🔑\"}}");
        assertEquals(201, created.status(), created::toString);
        JsonObject secret = server.get("v1/secrets/" + created.json().getString("id")).json().getJsonObject("secret");
        assertEquals(text, secret.getString("description"));
        assertEquals("Zürich 🔑", secret.getJsonObject("labels").getString("city"));
    }

    // ---- item 16: nothing is silently changed

    @Test
    void invalidUtf8InAValueIs400AndStoresNothing() {
        String id = server.create("prod", "utf8/invalid");
        for (byte[] bad : new byte[][] {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}}) {
            Reply reply = server.sendBytes("POST", "v1/secrets/" + id + "/versions", server.adminToken, body("{\"value\":\"ab", bad, "cd\"}"));
            assertEquals(400, reply.status(), reply::toString);
            assertEquals("request body is not valid UTF-8 (byte 13)", reply.json().getString("detail"));
        }
        assertTrue(versions(id).isEmpty());
    }

    @Test
    void aLoneSurrogateIs400InValuesAndTextFields() {
        String id = server.create("prod", "utf8/surrogate");
        for (String escaped : new String[] {"\\ud800", "a\\udc00b", "\\ud83d", "\\udfff\\ud800"}) {
            Reply reply = server.post("v1/secrets/" + id + "/versions", "{\"value\":\"" + escaped + "\"}");
            assertEquals(400, reply.status(), reply::toString);
            assertTrue(reply.json().getString("detail").startsWith("field 'value' holds a lone UTF-16 surrogate"), reply::toString);
        }
        assertTrue(versions(id).isEmpty());
        Reply description = server.send("PATCH", "v1/secrets/" + id, server.adminToken, "{\"description\":\"x\\ud800\"}");
        assertEquals(400, description.status(), description::toString);
        Reply key = server.send("PATCH", "v1/secrets/" + id, server.adminToken, "{\"labels\":{\"\\ud800\":\"v\"}}");
        assertEquals(400, key.status(), key::toString);
        Reply pair = server.post("v1/secrets/" + id + "/versions", "{\"value\":\"\\ud83d\\udd11\"}");
        assertEquals(201, pair.status(), "an escaped surrogate pair is one character: " + pair);
    }

    @Test
    void duplicateFieldsAre400AndStoreNothing() {
        String id = server.create("prod", "json/duplicate");
        Reply reply = server.post("v1/secrets/" + id + "/versions",
                "{\"value\":\"" + TestValues.text() + "\",\"value\":\"" + TestValues.text() + "\"}");
        assertEquals(400, reply.status(), reply::toString);
        assertEquals("field 'value' appears more than once", reply.json().getString("detail"));
        Reply nested = server.send("PUT", "v1/policies/dup", server.adminToken, "{\"effect\":\"allow\",\"principals\":[\"user:a\"],"
                + "\"actions\":[\"secrets:read\"],\"resources\":[\"*\"],\"conditions\":{\"mfa\":true,\"mfa\":false}}");
        assertEquals("field 'conditions.mfa' appears more than once", nested.json().getString("detail"));
        assertTrue(versions(id).isEmpty());
        assertEquals(404, server.get("v1/policies/dup").status());
    }

    @Test
    void contentAfterTheJsonObjectIs400AndStoresNothing() {
        String id = server.create("prod", "json/trailing");
        for (String tail : new String[] {" {\"value\":\"y\"}", "garbage", "]", " 1", "\u0000"}) {
            Reply reply = server.post("v1/secrets/" + id + "/versions", "{\"value\":\"" + TestValues.text() + "\"}" + tail);
            assertEquals(400, reply.status(), reply::toString);
            assertTrue(reply.json().getString("detail").startsWith("request body has content after the JSON object"), reply::toString);
        }
        assertTrue(versions(id).isEmpty());
        assertEquals(201, server.post("v1/secrets/" + id + "/versions", "{\"value\":\"" + TestValues.text() + "\"} \r\n\t").status(),
                "trailing whitespace is allowed");
    }

    private static byte[] body(String head, byte[] middle, String tail) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(middle);
        out.writeBytes(tail.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static jakarta.json.JsonArray versions(String id) {
        return server.get("v1/secrets/" + id + "/versions").json().getJsonArray("items");
    }

    private static long events(String type) {
        Reply reply = server.get("v1/audit?type=" + type + "&limit=1000");
        assertEquals(200, reply.status(), reply::toString);
        return reply.json().getJsonArray("items").size();
    }
}
