package dev.coffer.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.coffer.server.support.OneServerPerClass;
import dev.coffer.server.support.Reply;
import dev.coffer.spi.access.Policy;
import dev.coffer.tck.support.TestValues;
import jakarta.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code DELETE /v1/secrets/{id}/aliases/{alias}} and its by-name twin over real HTTP, and the
 * promotion of the version {@code next} names, which clears {@code next}.
 */
class AliasRemovalApiTest extends OneServerPerClass {

    /** current 1, version 2 pending under next; returns the id. */
    private static String pendingUnderNext(String path) {
        String id = server.create("prod", path);
        server.put(id, TestValues.text(), "CURRENT");
        server.put(id, TestValues.text(), "PENDING");
        Reply next = server.post("v1/secrets/" + id + "/aliases/next", "{\"version\":2}");
        assertEquals(200, next.status(), next::toString);
        return id;
    }

    @Test
    void promotingTheVersionNextPointsAtAnswersTheAliasesWithoutNext() {
        String id = pendingUnderNext("alias-removal/promote");

        Reply promoted = server.post("v1/secrets/" + id + "/aliases/current", "{\"version\":2,\"expectedPreviousVersion\":1}");

        assertEquals(200, promoted.status(), promoted::toString);
        JsonObject aliases = promoted.json().getJsonObject("aliases");
        assertEquals(2, aliases.getInt("current"));
        assertEquals(1, aliases.getInt("previous"));
        assertFalse(aliases.containsKey("next"), () -> "a promotion of next clears next: " + aliases);
    }

    @Test
    void deleteWithTheExpectedVersionAnswers200WithTheAliasesLeft() {
        String id = pendingUnderNext("alias-removal/next");

        Reply removed = server.send("DELETE", "v1/secrets/" + id + "/aliases/next?expectedVersion=2", server.adminToken, null);

        assertEquals(200, removed.status(), removed::toString);
        JsonObject aliases = removed.json().getJsonObject("aliases");
        assertEquals(1, aliases.getInt("current"));
        assertFalse(aliases.containsKey("next"), aliases::toString);
        Reply read = server.get("v1/secrets/prod/alias-removal/next?alias=next");
        assertEquals(404, read.status(), read::toString);
        assertEquals("ALIAS_NOT_FOUND", read.code());
        assertEquals("PENDING", server.get("v1/secrets/" + id + "/versions").json().getJsonArray("items").getJsonObject(1)
                .getString("status"), "the version next pointed at stays, PENDING");
    }

    @Test
    void deleteWithoutExpectedVersionRemovesANamedAliasWhereverItPoints() {
        String id = pendingUnderNext("alias-removal/unconditional");
        assertEquals(200, server.post("v1/secrets/" + id + "/aliases/blue", "{\"version\":1}").status());

        Reply removed = server.send("DELETE", "v1/secrets/" + id + "/aliases/blue", server.adminToken, null);

        assertEquals(200, removed.status(), removed::toString);
        assertFalse(removed.json().getJsonObject("aliases").containsKey("blue"), removed::toString);
        assertEquals(2, removed.json().getJsonObject("aliases").getInt("next"));
    }

    @Test
    void refusedDeletesAnswerTheirProblemCodesAndChangeNothing() {
        String id = pendingUnderNext("alias-removal/refused");
        String base = "v1/secrets/" + id + "/aliases/";

        assertProblem(409, "VERSION_CONFLICT", server.send("DELETE", base + "next?expectedVersion=1", server.adminToken, null));
        assertProblem(404, "ALIAS_NOT_FOUND", server.send("DELETE", base + "canary", server.adminToken, null));
        assertProblem(400, "INVALID_ARGUMENT", server.send("DELETE", base + "current", server.adminToken, null));
        assertProblem(400, "INVALID_ARGUMENT", server.send("DELETE", base + "previous", server.adminToken, null));
        assertProblem(400, "INVALID_ARGUMENT", server.send("DELETE", base + "Next", server.adminToken, null));
        assertProblem(400, "INVALID_ARGUMENT", server.send("DELETE", base + "next?expectedVersion=two", server.adminToken, null));
        assertProblem(404, "SECRET_NOT_FOUND", server.send("DELETE", "v1/secrets/sec_nope/aliases/next", server.adminToken, null));

        JsonObject aliases = server.get("v1/secrets/" + id).json().getJsonObject("aliases");
        assertEquals(1, aliases.getInt("current"), aliases::toString);
        assertEquals(2, aliases.getInt("next"), () -> "refused deletes leave next on 2: " + aliases);
    }

    @Test
    void deleteNeedsSecretsRotate() {
        String id = pendingUnderNext("alias-removal/denied");
        server.allow(Policy.allow("alias-removal-writers", List.of("group:alias-writers"),
                List.of("secrets:read", "secrets:write"), List.of("prod/alias-removal/denied")));
        String writer = server.token("dana", "alias-writers");

        assertProblem(403, "ACCESS_DENIED", server.send("DELETE", "v1/secrets/" + id + "/aliases/next", writer, null));
        assertEquals(2, server.get("v1/secrets/" + id).json().getJsonObject("aliases").getInt("next"));
    }

    @Test
    void deleteByNameRemovesTheAliasAsTheIdRouteDoes() {
        pendingUnderNext("alias-removal/by-name");

        Reply stale = server.send("DELETE", "v1/aliases/next/prod/alias-removal/by-name?expectedVersion=7", server.adminToken, null);
        assertProblem(409, "VERSION_CONFLICT", stale);
        Reply removed = server.send("DELETE", "v1/aliases/next/prod/alias-removal/by-name?expectedVersion=2", server.adminToken, null);

        assertEquals(200, removed.status(), removed::toString);
        assertFalse(removed.json().getJsonObject("aliases").containsKey("next"), removed::toString);
    }

    private static void assertProblem(int status, String code, Reply reply) {
        assertEquals(status, reply.status(), reply::toString);
        assertEquals(code, reply.code(), reply::toString);
    }
}
