package dev.coffer.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.support.OneServerPerClass;
import dev.coffer.server.support.Reply;
import dev.coffer.tck.support.TestValues;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Every /v1/secrets route over real HTTP with real tokens. */
class SecretsApiTest extends OneServerPerClass {
    @Test
    void createAnswers201WithIdAndLocation() {
        Reply reply = server.post("v1/secrets", "{\"environment\":\"prod\",\"path\":\"payments/stripe\",\"ownerTeam\":\"payments\","
                + "\"description\":\"Stripe key\",\"rotationPeriod\":\"90d\",\"labels\":{\"tier\":\"1\"}}");
        assertEquals(201, reply.status(), reply::toString);
        JsonObject secret = reply.json();
        assertTrue(secret.getString("id").startsWith("sec_"));
        assertEquals("prod", secret.getString("environment"));
        assertEquals("payments/stripe", secret.getString("path"));
        assertEquals("PT2160H", secret.getString("rotationPeriod"));
        assertEquals("1", secret.getJsonObject("labels").getString("tier"));
        assertTrue(reply.header("Location").endsWith("/v1/secrets/" + secret.getString("id")));
    }

    @Test
    void createAtTakenPathIs409SecretExists() {
        server.create("prod", "taken/once");
        Reply reply = server.post("v1/secrets", "{\"environment\":\"prod\",\"path\":\"taken/once\",\"ownerTeam\":\"payments\"}");
        assertEquals(409, reply.status());
        assertEquals("SECRET_EXISTS", reply.code());
    }

    @Test
    void createWithBadPathIs400InvalidPath() {
        Reply reply = server.post("v1/secrets", "{\"environment\":\"prod\",\"path\":\"a/../b\",\"ownerTeam\":\"payments\"}");
        assertEquals(400, reply.status());
        assertEquals("INVALID_PATH", reply.code());
    }

    @Test
    void putThenReadReturnsTheValueAndVersion() {
        String id = server.create("prod", "read/text");
        String value = TestValues.text();
        Reply added = server.put(id, value, "CURRENT");
        assertEquals(201, added.status(), added::toString);
        assertEquals(1, added.json().getInt("version"));
        assertEquals("CURRENT", added.json().getString("status"));

        Reply read = server.get("v1/secrets/prod/read/text");
        assertEquals(200, read.status());
        assertEquals(value, read.json().getString("value"));
        assertEquals(1, read.json().getInt("version"));
        assertEquals("prod/read/text", read.json().getString("path"));
        assertEquals("no-store", read.header("Cache-Control"));
    }

    @Test
    void binaryValuesTravelAsBase64() {
        String id = server.create("prod", "read/binary");
        byte[] bytes = {0, (byte) 0xff, (byte) 0xfe, 1, 2};
        String encoded = Base64.getEncoder().encodeToString(bytes);
        assertEquals(201, server.post("v1/secrets/" + id + "/versions", "{\"valueBase64\":\"" + encoded + "\"}").status());
        JsonObject read = server.get("v1/secrets/prod/read/binary").json();
        assertEquals(encoded, read.getString("valueBase64"));
        assertFalse(read.containsKey("value"));
    }

    @Test
    void rotationPendingPromoteWithCasThenDisableOld() {
        String id = server.create("prod", "rotate/db");
        String v1 = TestValues.text();
        String v2 = TestValues.text();
        server.put(id, v1, "CURRENT");
        assertEquals("PENDING", server.put(id, v2, "PENDING").json().getString("status"));
        assertEquals(v1, server.get("v1/secrets/prod/rotate/db").json().getString("value"));

        Reply stale = server.post("v1/secrets/" + id + "/aliases/current", "{\"version\":2,\"expectedPreviousVersion\":7}");
        assertEquals(409, stale.status());
        assertEquals("VERSION_CONFLICT", stale.code());

        Reply promoted = server.post("v1/secrets/" + id + "/aliases/current", "{\"version\":2,\"expectedPreviousVersion\":1}");
        assertEquals(200, promoted.status(), promoted::toString);
        assertEquals(2, promoted.json().getJsonObject("aliases").getInt("current"));
        assertEquals(1, promoted.json().getJsonObject("aliases").getInt("previous"));
        assertEquals(v2, server.get("v1/secrets/prod/rotate/db").json().getString("value"));
        assertEquals(v1, server.get("v1/secrets/prod/rotate/db?alias=previous").json().getString("value"));

        Reply disabled = server.post("v1/secrets/" + id + "/versions/1/disable", null);
        assertEquals(200, disabled.status(), disabled::toString);
        assertEquals("DISABLED", disabled.json().getString("status"));
        Reply gone = server.get("v1/secrets/prod/rotate/db?version=1");
        assertEquals(410, gone.status());
        assertEquals("VERSION_DISABLED", gone.code());

        assertEquals("ENABLED", server.post("v1/secrets/" + id + "/versions/1/enable", null).json().getString("state"));
        assertEquals(v1, server.get("v1/secrets/prod/rotate/db?version=1").json().getString("value"));
    }

    @Test
    void destroyedVersionIs410AndCurrentCannotBeDestroyed() {
        String id = server.create("prod", "destroy/me");
        server.put(id, TestValues.text(), "CURRENT");
        server.put(id, TestValues.text(), "CURRENT");
        Reply current = server.post("v1/secrets/" + id + "/versions/2/destroy", null);
        assertEquals(409, current.status());
        assertEquals("VERSION_IS_CURRENT", current.code());
        assertEquals("DESTROYED", server.post("v1/secrets/" + id + "/versions/1/destroy", null).json().getString("status"));
        Reply gone = server.get("v1/secrets/prod/destroy/me?version=1");
        assertEquals(410, gone.status());
        assertEquals("VERSION_DESTROYED", gone.code());
    }

    @Test
    void describeAndVersionsShowNoValues() {
        String id = server.create("prod", "describe/me");
        String value = TestValues.text();
        server.put(id, value, "CURRENT");
        Reply details = server.get("v1/secrets/" + id);
        assertEquals(200, details.status());
        assertEquals(id, details.json().getJsonObject("secret").getString("id"));
        assertEquals(1, details.json().getJsonObject("aliases").getInt("current"));
        assertFalse(details.body().contains(value));
        Reply versions = server.get("v1/secrets/" + id + "/versions");
        assertEquals("CURRENT", versions.json().getJsonArray("items").getJsonObject(0).getString("status"));
        assertFalse(versions.body().contains(value));
    }

    @Test
    void listFiltersByEnvironmentAndPrefix() {
        server.create("staging", "list/a");
        server.create("staging", "list/b");
        server.create("staging", "other/c");
        Reply page = server.get("v1/secrets?environment=staging&prefix=list/");
        assertEquals(200, page.status());
        assertEquals(2, page.json().getJsonArray("items").size());
    }

    @Test
    void patchUpdatesMetadata() {
        String id = server.create("prod", "patch/me");
        Reply reply = server.send("PATCH", "v1/secrets/" + id, server.adminToken, "{\"ownerTeam\":\"platform\",\"description\":\"new\"}");
        assertEquals(200, reply.status(), reply::toString);
        assertEquals("platform", reply.json().getString("ownerTeam"));
        assertEquals("new", reply.json().getString("description"));
    }

    @Test
    void deleteIs202ThenReadsAre404UntilRestored() {
        String id = server.create("prod", "delete/me");
        server.put(id, TestValues.text(), "CURRENT");
        Reply deleted = server.send("DELETE", "v1/secrets/" + id + "?recoveryWindowDays=7", server.adminToken, null);
        assertEquals(202, deleted.status(), deleted::toString);
        assertNotNull(deleted.json().getString("deletionScheduledAt"));
        Reply read = server.get("v1/secrets/prod/delete/me");
        assertEquals(404, read.status());
        assertEquals("SECRET_PENDING_DELETION", read.code());
        assertEquals(200, server.post("v1/secrets/" + id + "/restore", null).status());
        assertEquals(200, server.get("v1/secrets/prod/delete/me").status());
        Reply again = server.post("v1/secrets/" + id + "/restore", null);
        assertEquals(409, again.status());
        assertEquals("SECRET_NOT_PENDING_DELETION", again.code());
    }

    @Test
    void deleteWithWindowOutOfRangeIs400() {
        String id = server.create("prod", "delete/window");
        Reply reply = server.send("DELETE", "v1/secrets/" + id + "?recoveryWindowDays=3", server.adminToken, null);
        assertEquals(400, reply.status());
        assertEquals("INVALID_ARGUMENT", reply.code());
    }

    @Test
    void unknownSecretsAreNotFound() {
        assertEquals("SECRET_NOT_FOUND", server.get("v1/secrets/sec_aaaaaaaaaaaaaaaaaaaaaaaaaa").code());
        assertEquals("SECRET_NOT_FOUND", server.get("v1/secrets/prod/no/such").code());
        String id = server.create("prod", "no/version");
        Reply version = server.get("v1/secrets/prod/no/version?version=9");
        assertEquals(404, version.status());
        Reply alias = server.get("v1/secrets/prod/no/version?alias=canary");
        assertEquals(404, alias.status());
        assertEquals("ALIAS_NOT_FOUND", alias.code(), alias::toString);
        assertEquals(404, server.post("v1/secrets/" + id + "/versions/3/disable", null).status());
    }

    @Test
    void aPathThatLooksLikeAnIdRouteIsStillARead() {
        String id = server.create("prod", "versions");
        String value = TestValues.text();
        server.put(id, value, "CURRENT");
        assertEquals(value, server.get("v1/secrets/prod/versions").json().getString("value"));
    }

    @Test
    void readWithAliasAndVersionIs400() {
        Reply reply = server.get("v1/secrets/prod/x/y?alias=current&version=1");
        assertEquals(400, reply.status());
        assertEquals("INVALID_ARGUMENT", reply.code());
    }

    @Test
    void nonNumericVersionIs400Not404() {
        Reply reply = server.get("v1/secrets/prod/x/y?version=abc");
        assertEquals(400, reply.status());
        assertEquals("INVALID_ARGUMENT", reply.code());
    }

    @Test
    void utf8ValuesRoundTrip() {
        String id = server.create("prod", "utf8/value");
        String value = TestValues.remember("pässwörd-✓-" + TestValues.text());
        assertEquals(201, server.put(id, value, "CURRENT").status());
        Reply read = server.get("v1/secrets/prod/utf8/value");
        assertEquals(value, read.json().getString("value"));
        assertEquals(value.getBytes(StandardCharsets.UTF_8).length, read.json().getString("value").getBytes(StandardCharsets.UTF_8).length);
    }
}
