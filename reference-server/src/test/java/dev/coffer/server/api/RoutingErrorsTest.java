package dev.coffer.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.support.OneServerPerClass;
import dev.coffer.server.support.Reply;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Over HTTP: an id that names no secret is 404 {@code SECRET_NOT_FOUND} on every id route and
 * method, whatever its shape; routing errors carry codes of their own; unknown query parameters
 * are refused like unknown body fields.
 */
class RoutingErrorsTest extends OneServerPerClass {
    /** Ids that name no secret: not an id at all, an id with characters ids never have, a well-formed absent one. */
    private static final List<String> ABSENT_IDS = List.of("null", "sec_", "sec_%21%24x", "sec_AB.C-d", "sec_aaaaaaaaaaaaaaaaaaaaaaaaaa");
    /** Every id route: method, path after the id, body. */
    private static final List<String[]> ID_ROUTES = List.of(
            new String[] {"GET", "", null},
            new String[] {"PATCH", "", "{\"description\":\"d\"}"},
            new String[] {"DELETE", "", null},
            new String[] {"POST", "/restore", null},
            new String[] {"POST", "/purge", null},
            new String[] {"POST", "/versions", "{\"value\":\"v\"}"},
            new String[] {"GET", "/versions", null},
            new String[] {"POST", "/versions/1/disable", null},
            new String[] {"POST", "/versions/1/enable", null},
            new String[] {"POST", "/versions/1/destroy", null},
            new String[] {"POST", "/aliases/current", "{\"version\":1}"});
    private static String id;

    @BeforeAll
    static void seed() {
        id = server.create("prod", "routing/db");
        assertEquals(201, server.put(id, "routing-value", "CURRENT").status());
    }

    @Test
    void anAbsentIdIsSecretNotFoundOnEveryIdRoute() {
        for (String absent : ABSENT_IDS) {
            for (String[] route : ID_ROUTES) {
                String path = "v1/secrets/" + absent + route[1];
                Reply reply = server.send(route[0], path, server.adminToken, route[2]);
                assertEquals(404, reply.status(), () -> route[0] + " " + path + ": " + reply);
                assertEquals("application/problem+json", reply.header("Content-Type"), () -> route[0] + " " + path);
                assertEquals("SECRET_NOT_FOUND", reply.code(), () -> route[0] + " " + path + ": " + reply);
            }
        }
    }

    @Test
    void byNameReadsStillWorkBesideTheIdRoutes() {
        Reply read = server.get("v1/secrets/prod/routing/db");
        assertEquals(200, read.status(), read::toString);
        // A one-segment secret named like an id route's tail is still a read by name.
        String versions = server.create("prod", "versions");
        assertEquals(201, server.put(versions, "routing-versions", "CURRENT").status());
        Reply named = server.get("v1/secrets/prod/versions");
        assertEquals(200, named.status(), named::toString);
        assertEquals("routing-versions", named.json().getString("value"), named::toString);
        assertEquals(404, server.get("v1/secrets/prod/restore").status());
        assertEquals(200, server.get("v1/secrets/" + id + "/versions").status());
    }

    @Test
    void routingErrorsHaveTheirOwnCodes() {
        Reply route = server.get("v1/nothing-here");
        assertEquals(404, route.status());
        assertEquals("ROUTE_NOT_FOUND", route.code());
        Reply unknownTail = server.post("v1/secrets/" + id + "/no-such-action", null);
        assertEquals(404, unknownTail.status(), unknownTail::toString);
        assertEquals("ROUTE_NOT_FOUND", unknownTail.code());

        Reply method = server.send("PUT", "v1/secrets/" + id, server.adminToken, "{}");
        assertEquals(405, method.status());
        assertEquals("METHOD_NOT_ALLOWED", method.code());
        String allow = method.header("Allow");
        assertTrue(allow != null && allow.contains("GET") && allow.contains("PATCH") && allow.contains("DELETE"), method::toString);
        assertEquals("METHOD_NOT_ALLOWED", server.send("DELETE", "v1/secrets/prod/routing/db", server.adminToken, null).code());

        Reply accept = server.send("GET", "v1/secrets/" + id, server.adminToken, null, "Accept", "image/png");
        assertEquals(406, accept.status(), accept::toString);
        assertEquals("NOT_ACCEPTABLE", accept.code());

        Reply media = server.send("POST", "v1/secrets/" + id + "/versions", server.adminToken, null, "Content-Type", "text/plain");
        assertEquals(415, media.status(), media::toString);
        assertEquals("UNSUPPORTED_MEDIA_TYPE", media.code());
    }

    @Test
    void unknownQueryParametersAreRefusedOnEveryRouteThatReads() {
        for (String path : List.of("v1/secrets?owner=payments", "v1/secrets/prod/routing/db?labl=x", "v1/secrets/" + id + "?x=1",
                "v1/secrets/" + id + "/versions?limit=1", "v1/metadata/prod/routing/db?alias=current", "v1/audit?q=1",
                "v1/audit/summary?until=2020-01-01T00:00:00Z", "v1/policies?limit=1", "health/live?verbose=1", "openapi?format=json")) {
            Reply reply = server.get(path);
            assertEquals(400, reply.status(), () -> path + ": " + reply);
            assertEquals("INVALID_ARGUMENT", reply.code(), () -> path + ": " + reply);
            assertTrue(reply.json().getString("detail").startsWith("unknown query parameter"), () -> path + ": " + reply);
        }
        Reply named = server.get("v1/secrets?labels=1");
        assertTrue(named.json().getString("detail").contains("'labels'"), named::toString);
        assertTrue(named.json().getString("detail").contains("[environment, label, limit, pageToken, prefix]"), named::toString);
        Reply delete = server.send("DELETE", "v1/secrets/" + id + "?recoveryWindow=7", server.adminToken, null);
        assertEquals(400, delete.status(), delete::toString);
        assertEquals(200, server.get("v1/secrets/" + id).status(), "the refused delete changed nothing");
    }

    @Test
    void aRefusedParameterNameThatIsNotANameIsNotEchoed() {
        Reply reply = server.get("v1/secrets?%3Cscript%3Ealert=1");
        assertEquals(400, reply.status());
        assertEquals("unknown query parameter; this route takes [environment, label, limit, pageToken, prefix]",
                reply.json().getString("detail"));
        assertFalse(reply.body().contains("script"));
    }

    @Test
    void declaredQueryParametersStillWork() {
        assertEquals(200, server.get("v1/secrets?environment=prod&prefix=routing/&limit=5").status());
        assertEquals(200, server.get("v1/secrets/prod/routing/db?version=1").status());
        assertEquals(200, server.get("v1/secrets/prod/routing/db?alias=current").status());
        assertEquals(200, server.get("v1/audit?environment=prod&limit=2&decision=ALLOW").status());
        assertEquals(200, server.get("v1/audit/summary?since=2020-01-01T00:00:00Z").status());
        assertEquals(200, server.get("v1/secrets").status());
    }
}
