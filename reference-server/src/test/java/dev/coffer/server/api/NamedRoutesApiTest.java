package dev.coffer.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.support.OneServerPerClass;
import dev.coffer.server.support.Reply;
import dev.coffer.server.support.TestServer;
import dev.coffer.spi.access.Policy;
import dev.coffer.tck.support.TestValues;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The by-name routes ({@code /v1/<action>/<environment>/<path>}), label merge over PATCH, force
 * delete and protected environments, the label filter of the listing and its items, over real
 * HTTP: answers, error codes, and that a refusal changes nothing.
 */
class NamedRoutesApiTest extends OneServerPerClass {

    private static List<JsonObject> events(String query) {
        return server.get("v1/audit?" + query).json().getJsonArray("items").getValuesAs(JsonObject.class);
    }

    private static Map<String, String> labels(JsonObject secret) {
        return secret.getJsonObject("labels").entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> ((jakarta.json.JsonString) e.getValue()).getString()));
    }

    @Test
    void pathsEndingInRouteWordsRouteToTheirAction() {
        server.create("prod", "routes/versions");
        String version = "{\"value\":\"" + TestValues.text() + "\",\"status\":\"CURRENT\"}";
        Reply added = server.post("v1/versions/prod/routes/versions", version);
        assertEquals(201, added.status(), added::toString);
        assertEquals(1, added.json().getInt("version"));
        Reply pending = server.post("v1/versions/prod/routes/versions", "{\"value\":\"" + TestValues.text() + "\",\"status\":\"PENDING\"}");
        assertEquals("PENDING", pending.json().getString("status"));
        assertEquals(2, server.get("v1/versions/prod/routes/versions").json().getJsonArray("items").size());

        assertEquals("DISABLED", server.post("v1/disable/prod/routes/versions?version=2", null).json().getString("state"));
        assertEquals("ENABLED", server.post("v1/enable/prod/routes/versions?version=2", null).json().getString("state"));
        Reply promoted = server.post("v1/aliases/current/prod/routes/versions", "{\"version\":2,\"expectedPreviousVersion\":1}");
        assertEquals(200, promoted.status(), promoted::toString);
        assertEquals(2, promoted.json().getJsonObject("aliases").getInt("current"));
        Reply stale = server.post("v1/aliases/current/prod/routes/versions", "{\"version\":1,\"expectedPreviousVersion\":1}");
        assertEquals(409, stale.status());
        assertEquals("VERSION_CONFLICT", stale.code());
        server.post("v1/versions/prod/routes/versions", "{\"value\":\"" + TestValues.text() + "\",\"status\":\"PENDING\"}");
        assertEquals("DESTROYED", server.post("v1/destroy/prod/routes/versions?version=3", null).json().getString("state"));

        // A secret whose path itself ends in "restore" is restored by name like any other.
        server.create("prod", "routes/restore");
        assertEquals(202, server.send("DELETE", "v1/metadata/prod/routes/restore?recoveryWindowDays=7", server.adminToken, null).status());
        Reply restored = server.post("v1/restore/prod/routes/restore", null);
        assertEquals(200, restored.status(), restored::toString);
        assertFalse(restored.json().containsKey("deletionScheduledAt"));
        Reply purge = server.post("v1/purge/prod/routes/restore", null);
        assertEquals(409, purge.status());
        assertEquals("SECRET_NOT_PENDING_DELETION", purge.code());
    }

    @Test
    void byNameCallsAuditOnlyTheOperation() {
        server.create("prod", "quiet/db");
        Reply updated = server.send("PATCH", "v1/metadata/prod/quiet/db", server.adminToken, "{\"description\":\"quiet\"}");
        assertEquals(200, updated.status(), updated::toString);
        server.post("v1/versions/prod/quiet/db", "{\"value\":\"" + TestValues.text() + "\",\"status\":\"PENDING\"}");
        server.post("v1/disable/prod/quiet/db?version=1", null);
        assertEquals(List.of(), events("environment=prod&path=quiet/db&type=SECRET_DESCRIBE"));
        assertEquals(1, events("environment=prod&path=quiet/db&type=SECRET_UPDATE").size());
        assertEquals(1, events("environment=prod&path=quiet/db&type=VERSION_DISABLE").size());
    }

    @Test
    void anAbsentNameIs404ToAnAdminAnd403LikeAForbiddenOneToOthers() {
        server.create("prod", "guarded/db");
        Reply absent = server.post("v1/restore/prod/guarded/none", null);
        assertEquals(404, absent.status());
        assertEquals("SECRET_NOT_FOUND", absent.code());
        String stranger = server.token("stranger", "strangers");
        for (String name : List.of("prod/guarded/db", "prod/guarded/none")) {
            Reply denied = server.send("PATCH", "v1/metadata/" + name, stranger, "{\"description\":\"x\"}");
            assertEquals(403, denied.status(), denied::toString);
            assertEquals("ACCESS_DENIED", denied.code());
            assertEquals("ACCESS_DENIED", server.send("POST", "v1/disable/" + name + "?version=1", stranger, null).code());
            assertEquals("ACCESS_DENIED", server.send("DELETE", "v1/metadata/" + name + "?force=true", stranger, null).code());
        }
        assertEquals("", server.get("v1/metadata/prod/guarded/db").json().getJsonObject("secret").getString("description"));
    }

    @Test
    void aVersionActionByNameNeedsAValidVersionParameter() {
        server.create("prod", "params/db");
        Reply missing = server.post("v1/disable/prod/params/db", null);
        assertEquals(400, missing.status());
        assertEquals("INVALID_ARGUMENT", missing.code());
        assertEquals("INVALID_ARGUMENT", server.post("v1/disable/prod/params/db?version=one", null).code());
        assertEquals("INVALID_ARGUMENT", server.post("v1/disable/prod/params/db?n=1", null).code());
    }

    @Test
    void patchMergesLabelsAndRefusesContradictions() {
        String id = server.create("prod", "labels/db");
        server.send("PATCH", "v1/secrets/" + id, server.adminToken, "{\"labels\":{\"team\":\"payments\",\"legacy\":\"yes\"}}");
        Reply merged = server.send("PATCH", "v1/secrets/" + id, server.adminToken,
                "{\"putLabels\":{\"tier\":\"0\"},\"removeLabels\":[\"legacy\"]}");
        assertEquals(200, merged.status(), merged::toString);
        assertEquals(Map.of("team", "payments", "tier", "0"), labels(merged.json()));
        Reply byName = server.send("PATCH", "v1/metadata/prod/labels/db", server.adminToken, "{\"putLabels\":{\"region\":\"eu\"}}");
        assertEquals(Map.of("team", "payments", "tier", "0", "region", "eu"), labels(byName.json()));

        for (String bad : List.of("{\"putLabels\":{\"tier\":\"1\"},\"removeLabels\":[\"tier\"]}",
                "{\"labels\":{\"a\":\"1\"},\"putLabels\":{\"b\":\"2\"}}",
                "{\"removeLabels\":[\"Not A Key\"]}",
                "{\"removeLabels\":[\"tier\",\"tier\"]}",
                "{\"putLabels\":{\"tier\":1}}")) {
            Reply refused = server.send("PATCH", "v1/secrets/" + id, server.adminToken, bad);
            assertEquals(400, refused.status(), () -> bad + " -> " + refused);
            assertEquals("INVALID_ARGUMENT", refused.code(), bad);
        }
        assertEquals(Map.of("team", "payments", "tier", "0", "region", "eu"),
                labels(server.get("v1/secrets/" + id).json().getJsonObject("secret")), "a refused PATCH changed the labels");
    }

    @Test
    void forceDeleteRemovesAtOnceByIdAndByName() {
        String id = server.create("dev", "force/by-id");
        server.put(id, TestValues.text(), "CURRENT");
        Reply deleted = server.send("DELETE", "v1/secrets/" + id + "?force=true", server.adminToken, null);
        assertEquals(204, deleted.status(), deleted::toString);
        assertEquals("SECRET_NOT_FOUND", server.get("v1/secrets/" + id).code());
        assertEquals(1, events("environment=dev&path=force/by-id&type=SECRET_FORCE_DELETE").size());

        server.create("dev", "force/by-name");
        assertEquals(204, server.send("DELETE", "v1/metadata/dev/force/by-name?force=true", server.adminToken, null).status());
        assertEquals("SECRET_NOT_FOUND", server.get("v1/metadata/dev/force/by-name").code());
    }

    @Test
    void forceDeleteInAProtectedEnvironmentIs403AndChangesNothing() {
        String env = TestServer.PROTECTED_ENVIRONMENT;
        String id = server.create(env, "force/db");
        String value = TestValues.text();
        server.put(id, value, "CURRENT");
        for (String route : List.of("v1/secrets/" + id + "?force=true", "v1/metadata/" + env + "/force/db?force=true",
                "v1/metadata/" + env + "/force/absent?force=true")) {
            Reply refused = server.send("DELETE", route, server.adminToken, null);
            assertEquals(403, refused.status(), refused::toString);
            assertEquals("ENVIRONMENT_PROTECTED", refused.code());
        }
        assertEquals(value, server.get("v1/secrets/" + env + "/force/db").json().getString("value"));
        List<JsonObject> denials = events("environment=" + env + "&path=force/db&type=ACCESS_DENIED&decision=DENY");
        assertEquals(2, denials.size());
        assertEquals(List.of(), events("environment=" + env + "&type=SECRET_FORCE_DELETE"));
    }

    @Test
    void forceMustBeTrueOrFalseAndNotMixedWithARecoveryWindow() {
        String id = server.create("dev", "force/params");
        Reply mixed = server.send("DELETE", "v1/secrets/" + id + "?force=true&recoveryWindowDays=7", server.adminToken, null);
        assertEquals(400, mixed.status());
        assertEquals("INVALID_ARGUMENT", mixed.code());
        assertEquals("INVALID_ARGUMENT", server.send("DELETE", "v1/secrets/" + id + "?force=yes", server.adminToken, null).code());
        assertFalse(server.get("v1/secrets/" + id).json().getJsonObject("secret").containsKey("deletionScheduledAt"),
                "a refused DELETE changed the secret");
        assertEquals(202, server.send("DELETE", "v1/secrets/" + id + "?force=false", server.adminToken, null).status());
    }

    @Test
    void listFiltersByLabelsAndShowsCurrentVersionAndPendingDeletion() {
        String a = server.create("lists", "a");
        server.send("PATCH", "v1/secrets/" + a, server.adminToken, "{\"labels\":{\"tier\":\"0\",\"team\":\"x\"}}");
        server.put(a, TestValues.text(), "CURRENT");
        server.put(a, TestValues.text(), "CURRENT");
        String b = server.create("lists", "b");
        server.send("PATCH", "v1/secrets/" + b, server.adminToken, "{\"labels\":{\"tier\":\"0\"}}");
        server.send("DELETE", "v1/secrets/" + b + "?recoveryWindowDays=7", server.adminToken, null);
        server.create("lists", "c");

        JsonArray tier0 = server.get("v1/secrets?environment=lists&label=tier=0").json().getJsonArray("items");
        assertEquals(2, tier0.size());
        JsonObject first = tier0.getJsonObject(0);
        assertEquals("a", first.getString("path"));
        assertEquals(2, first.getInt("currentVersion"));
        assertFalse(first.getBoolean("pendingDeletion"));
        JsonObject second = tier0.getJsonObject(1);
        assertTrue(second.getBoolean("pendingDeletion"));
        assertTrue(second.containsKey("deletionScheduledAt"));
        assertFalse(second.containsKey("currentVersion"), "no current version, no field");
        assertEquals(1, server.get("v1/secrets?environment=lists&label=tier=0&label=team=x").json().getJsonArray("items").size());
        assertEquals(JsonValue.EMPTY_JSON_ARRAY, server.get("v1/secrets?environment=lists&label=tier=9").json().getJsonArray("items"));
    }

    @Test
    void badLabelFiltersAre400() {
        for (String query : List.of("label=tier", "label==0", "label=Tier=0", "label=tier=0&label=tier=1")) {
            Reply reply = server.get("v1/secrets?" + query);
            assertEquals(400, reply.status(), () -> query + " -> " + reply);
            assertEquals("INVALID_ARGUMENT", reply.code(), query);
        }
    }

    @Test
    void verifyOmitsFirstBrokenSeqWhenIntact() {
        server.create("prod", "verify/me");
        JsonObject verify = server.post("v1/audit/verify", null).json();
        assertTrue(verify.getBoolean("intact"));
        assertFalse(verify.containsKey("firstBrokenSeq"), verify::toString);
    }

    @Test
    void aPolicyOnTheNameGovernsTheByNameRoute() {
        server.create("prod", "scoped/db");
        server.allow(Policy.allow("scoped-writers", List.of("group:scoped"), List.of("secrets:write"), List.of("prod/scoped/*")));
        String writer = server.token("wendy", "scoped");
        Reply ok = server.send("PATCH", "v1/metadata/prod/scoped/db", writer, "{\"putLabels\":{\"owner\":\"wendy\"}}");
        assertEquals(200, ok.status(), ok::toString);
        Reply notAdmin = server.send("DELETE", "v1/metadata/prod/scoped/db?force=true", writer, null);
        assertEquals(403, notAdmin.status());
        assertEquals("ACCESS_DENIED", notAdmin.code());
    }
}
