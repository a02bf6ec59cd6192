package dev.coffer.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.support.Reply;
import dev.coffer.server.support.TestServer;
import dev.coffer.spi.access.Policy;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.ScriptedRotator;
import dev.coffer.tck.support.TestValues;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /v1/secrets/{id}/rotation} and {@code /v1/rotations} on the real standalone server over the
 * kernel's rotation engine: the happy paths (set, show, run, drive, rollback, cancel, delete, list)
 * and every error code the routes document, with no value in any answer. The test drives the
 * engine itself ({@code runDue}); no scheduler runs.
 */
@ExtendWith(NoValueLeaks.class)
class RotationApiTest {
    private static TestServer server;
    private final List<String> answers = new ArrayList<>();

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.allow(Policy.allow("rotation-readers", List.of("group:readers"), List.of("secrets:read"), List.of("prod/*")));
        server.allow(Policy.allow("rotation-operators", List.of("group:operators"), List.of("secrets:read", "secrets:rotate"),
                List.of("prod/*")));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void noValueInAnyAnswer() {
        for (String value : TestValues.issued()) {
            for (String answer : answers) {
                assertFalse(answer.contains(value), "an answer held a value");
            }
        }
    }

    private Reply send(String method, String path, String token, String body) {
        Reply reply = server.send(method, path, token, body);
        answers.add(reply.body());
        return reply;
    }

    private Reply admin(String method, String path, String body) {
        return send(method, path, server.adminToken, body);
    }

    /** A secret with a current value the scripted downstream accepts. */
    private String secret(String name) {
        String id = server.create("prod", "rotation-api/" + name);
        String first = TestValues.text();
        assertEquals(201, server.put(id, first, "CURRENT").status());
        server.scriptedRotator().accept(first);
        return id;
    }

    private String withPolicy(String name) {
        String id = secret(name);
        Reply put = admin("PUT", "v1/secrets/" + id + "/rotation", "{\"rotator\":\"" + ScriptedRotator.NAME + "\",\"schedule\":\"30d\"}");
        assertEquals(200, put.status(), put::toString);
        return id;
    }

    private static void problem(Reply reply, int status, String code) {
        assertEquals(status, reply.status(), reply::toString);
        assertEquals(code, reply.code(), reply::toString);
        assertEquals("application/problem+json", reply.header("Content-Type").split(";")[0], reply::toString);
    }

    @Test
    void aPolicyIsSetAndShownWithDurationsInIso8601() {
        String id = secret("set-show");
        Reply put = admin("PUT", "v1/secrets/" + id + "/rotation", "{\"rotator\":\"generated\",\"schedule\":\"0 3 * * 1\","
                + "\"window\":\"2h\",\"overlap\":\"1d\",\"canary\":\"0s\",\"params\":{\"length\":\"24\"},\"enabled\":true,\"maxAttempts\":3}");
        assertEquals(200, put.status(), put::toString);
        JsonObject status = admin("GET", "v1/secrets/" + id + "/rotation", null).json();
        JsonObject policy = status.getJsonObject("policy");
        assertEquals("generated", policy.getString("rotator"));
        assertEquals("0 3 * * 1", policy.getString("schedule"));
        assertEquals("PT2H", policy.getString("window"));
        assertEquals("PT24H", policy.getString("overlap"));
        assertEquals("PT0S", policy.getString("canary"));
        assertEquals("24", policy.getJsonObject("params").getString("length"));
        assertEquals(3, policy.getInt("maxAttempts"));
        assertEquals(id, status.getString("secretId"));
        assertEquals("prod", status.getString("environment"));
        assertFalse(status.getBoolean("overdue"));
        assertTrue(status.containsKey("nextRotationAt"), status::toString);
        assertFalse(status.containsKey("openRun"), "no run yet: " + status);
    }

    @Test
    void aRunIsAcceptedThenDrivenToFinishedAndTheOldVersionStaysPrevious() {
        String id = withPolicy("run");
        Reply run = admin("POST", "v1/secrets/" + id + "/rotation/run", null);
        assertEquals(202, run.status(), run::toString);
        assertTrue(run.json().getString("id").startsWith("rot_"), run::toString);
        assertEquals("STARTED", run.json().getString("state"));
        assertEquals("create", run.json().getString("step"));
        JsonObject open = admin("GET", "v1/secrets/" + id + "/rotation", null).json();
        assertEquals(run.json().getString("id"), open.getJsonObject("openRun").getString("id"));

        server.rotationEngine().runDue(10);

        JsonObject status = admin("GET", "v1/secrets/" + id + "/rotation", null).json();
        assertFalse(status.containsKey("openRun"), status::toString);
        assertEquals("FINISHED", status.getJsonObject("lastRun").getString("state"));
        assertFalse(status.getJsonObject("lastRun").containsKey("step"), "an ended run has no next step");
        assertTrue(status.containsKey("lastRotatedAt"), status::toString);
        JsonObject aliases = admin("GET", "v1/secrets/" + id, null).json().getJsonObject("aliases");
        assertEquals(2, aliases.getInt("current"));
        assertEquals(1, aliases.getInt("previous"));
    }

    @Test
    void aTestOnlyRunIsDiscardedAndCurrentStays() {
        String id = withPolicy("test-only");
        Reply run = admin("POST", "v1/secrets/" + id + "/rotation/run", "{\"testOnly\":true}");
        assertEquals(202, run.status(), run::toString);
        assertTrue(run.json().getBoolean("testOnly"));
        server.rotationEngine().runDue(10);
        JsonObject status = admin("GET", "v1/secrets/" + id + "/rotation", null).json();
        assertEquals("DISCARDED", status.getJsonObject("lastRun").getString("state"), status::toString);
        assertEquals(1, admin("GET", "v1/secrets/" + id, null).json().getJsonObject("aliases").getInt("current"));
    }

    @Test
    void rollbackMovesCurrentBackToPreviousInsideTheOverlap() {
        String id = withPolicy("rollback");
        problem(admin("POST", "v1/secrets/" + id + "/rotation/rollback", null), 409, "ROLLBACK_UNAVAILABLE");
        assertEquals(202, admin("POST", "v1/secrets/" + id + "/rotation/run", null).status());
        server.rotationEngine().runDue(10);
        Reply rollback = admin("POST", "v1/secrets/" + id + "/rotation/rollback", null);
        assertEquals(200, rollback.status(), rollback::toString);
        assertEquals(1, rollback.json().getJsonObject("aliases").getInt("current"), rollback::toString);
    }

    @Test
    void aRunCanBeCancelledAndCancellingNothingIsAConflict() {
        String id = withPolicy("cancel");
        problem(admin("POST", "v1/secrets/" + id + "/rotation/cancel", null), 409, "ROTATION_NOT_RUNNING");
        assertEquals(202, admin("POST", "v1/secrets/" + id + "/rotation/run", null).status());
        Reply cancel = admin("POST", "v1/secrets/" + id + "/rotation/cancel", null);
        assertEquals(202, cancel.status(), cancel::toString);
        server.rotationEngine().runDue(10);
        JsonObject status = admin("GET", "v1/secrets/" + id + "/rotation", null).json();
        assertEquals("CANCELLED", status.getJsonObject("lastRun").getString("state"), status::toString);
        assertEquals(1, admin("GET", "v1/secrets/" + id, null).json().getJsonObject("aliases").getInt("current"));
    }

    @Test
    void aSecondRunWhileOneIsOpenIsRotationInProgressAndSoIsRemovingThePolicy() {
        String id = withPolicy("in-progress");
        assertEquals(202, admin("POST", "v1/secrets/" + id + "/rotation/run", null).status());
        problem(admin("POST", "v1/secrets/" + id + "/rotation/run", null), 409, "ROTATION_IN_PROGRESS");
        problem(admin("DELETE", "v1/secrets/" + id + "/rotation", null), 409, "ROTATION_IN_PROGRESS");
        server.rotationEngine().runDue(10);
        assertEquals(204, admin("DELETE", "v1/secrets/" + id + "/rotation", null).status());
        problem(admin("GET", "v1/secrets/" + id + "/rotation", null), 404, "ROTATION_NOT_CONFIGURED");
    }

    @Test
    void aDisabledOrManualPolicyDoesNotRunNow() {
        String id = secret("manual");
        assertEquals(200, admin("PUT", "v1/secrets/" + id + "/rotation", "{\"rotator\":\"manual-overlap\",\"schedule\":\"90d\"}").status());
        problem(admin("POST", "v1/secrets/" + id + "/rotation/run", null), 409, "ROTATION_NOT_AUTOMATIC");
        assertEquals(200, admin("PUT", "v1/secrets/" + id + "/rotation",
                "{\"rotator\":\"" + ScriptedRotator.NAME + "\",\"schedule\":\"90d\",\"enabled\":false}").status());
        problem(admin("POST", "v1/secrets/" + id + "/rotation/run", null), 409, "ROTATION_NOT_AUTOMATIC");
    }

    @Test
    void aSecretWithoutAPolicyIsRotationNotConfiguredOnEveryRoute() {
        String id = secret("unconfigured");
        problem(admin("GET", "v1/secrets/" + id + "/rotation", null), 404, "ROTATION_NOT_CONFIGURED");
        problem(admin("POST", "v1/secrets/" + id + "/rotation/run", null), 404, "ROTATION_NOT_CONFIGURED");
        problem(admin("GET", "v1/secrets/sec_nosuchsecret1/rotation", null), 404, "SECRET_NOT_FOUND");
    }

    @Test
    void anUnknownRotatorOrABadScheduleOrBoundIsInvalidRotationPolicyAndChangesNothing() {
        String id = secret("invalid");
        String route = "v1/secrets/" + id + "/rotation";
        Reply unknown = admin("PUT", route, "{\"rotator\":\"nosuch\",\"schedule\":\"30d\"}");
        problem(unknown, 400, "INVALID_ROTATION_POLICY");
        assertTrue(unknown.json().getString("detail").contains("generated"), "names the rotators the server knows: " + unknown);
        problem(admin("PUT", route, "{\"rotator\":\"generated\",\"schedule\":\"every tuesday\"}"), 400, "INVALID_ROTATION_POLICY");
        problem(admin("PUT", route, "{\"rotator\":\"generated\",\"schedule\":\"30d\",\"window\":\"soon\"}"), 400, "INVALID_ROTATION_POLICY");
        problem(admin("PUT", route, "{\"rotator\":\"generated\",\"schedule\":\"30d\",\"overlap\":\"60d\"}"), 400, "INVALID_ROTATION_POLICY");
        problem(admin("PUT", route, "{\"rotator\":\"generated\",\"schedule\":\"30d\",\"maxAttempts\":99}"), 400, "INVALID_ROTATION_POLICY");
        problem(admin("PUT", route, "{\"rotator\":\"generated\",\"schedule\":\"30d\",\"params\":{\"length\":\"two\"}}"), 400,
                "INVALID_ROTATION_POLICY");
        problem(admin("PUT", route, "{\"schedule\":\"30d\"}"), 400, "INVALID_ROTATION_POLICY");
        StringBuilder many = new StringBuilder("{\"rotator\":\"generated\",\"schedule\":\"30d\",\"params\":{");
        for (int i = 0; i < 33; i++) {
            many.append(i == 0 ? "" : ",").append("\"p").append(i).append("\":\"x\"");
        }
        problem(admin("PUT", route, many.append("}}").toString()), 400, "INVALID_ROTATION_POLICY");
        problem(admin("PUT", route, "{\"rotator\":\"generated\",\"schedule\":\"30d\",\"params\":{\"p\":\"" + "x".repeat(1025) + "\"}}"),
                400, "INVALID_ROTATION_POLICY");
        problem(admin("PUT", route, "{\"rotator\":\"generated\",\"schedule\":\"30d\",\"colour\":\"red\"}"), 400, "INVALID_ARGUMENT");
        problem(admin("PUT", route, null), 400, "INVALID_ARGUMENT");
        problem(admin("POST", route + "/run", "{\"testOnly\":\"yes\"}"), 400, "INVALID_ARGUMENT");
        problem(admin("GET", route, null), 404, "ROTATION_NOT_CONFIGURED");
    }

    @Test
    void aBodyOverTheServersLimitIsRefusedAsEverywhere() {
        String id = secret("too-large");
        // Refused by the declared length, before the body is read (a client still sending would see the connection close).
        String status = server.statusLineForDeclaredBody("PUT", "v1/secrets/" + id + "/rotation", server.adminToken, 600 * 1024);
        assertTrue(status.startsWith("HTTP/1.1 413"), status);
        problem(admin("GET", "v1/secrets/" + id + "/rotation", null), 404, "ROTATION_NOT_CONFIGURED");
    }

    @Test
    void settingAPolicyNeedsAdminAndRunningNeedsRotate() {
        String id = withPolicy("rights");
        String reader = server.token("rita", "readers");
        String operator = server.token("otto", "operators");
        String route = "v1/secrets/" + id + "/rotation";
        String body = "{\"rotator\":\"generated\",\"schedule\":\"7d\"}";
        problem(send("PUT", route, reader, body), 403, "ACCESS_DENIED");
        problem(send("PUT", route, operator, body), 403, "ACCESS_DENIED");
        problem(send("DELETE", route, operator, null), 403, "ACCESS_DENIED");
        problem(send("POST", route + "/run", reader, null), 403, "ACCESS_DENIED");
        problem(send("POST", route + "/cancel", reader, null), 403, "ACCESS_DENIED");
        problem(send("POST", route + "/rollback", reader, null), 403, "ACCESS_DENIED");
        assertEquals(200, send("GET", route, reader, null).status(), "reading a status needs read, write, rotate or admin");
        assertEquals(ScriptedRotator.NAME, admin("GET", route, null).json().getJsonObject("policy").getString("rotator"),
                "a refused put changed nothing");
        Reply run = send("POST", route + "/run", operator, null);
        assertEquals(202, run.status(), run::toString);
        assertEquals("user:otto", run.json().getString("startedBy"));
        server.rotationEngine().runDue(10);
        problem(send("GET", route, server.token("mallory", "nobody"), null), 403, "ACCESS_DENIED");
        assertEquals(401, send("GET", route, null, null).status());
    }

    @Test
    void theListingFiltersByStateAndOverdueAndRefusesAnUnknownState() {
        String failing = withPolicy("list-failing");
        String fine = withPolicy("list-fine");
        server.scriptedRotator().failNext("apply", 100, "DOWNSTREAM_DOWN", false);
        assertEquals(200, admin("PUT", "v1/secrets/" + failing + "/rotation",
                "{\"rotator\":\"" + ScriptedRotator.NAME + "\",\"schedule\":\"30d\",\"maxAttempts\":1}").status());
        assertEquals(202, admin("POST", "v1/secrets/" + failing + "/rotation/run", null).status());
        server.rotationEngine().runDue(10);
        JsonObject failed = admin("GET", "v1/secrets/" + failing + "/rotation", null).json().getJsonObject("lastRun");
        assertEquals("FAILED", failed.getString("state"), failed::toString);
        assertEquals("DOWNSTREAM_DOWN", failed.getString("lastErrorCode"));
        server.scriptedRotator().failNext("apply", 0, "DOWNSTREAM_DOWN", false);

        Reply list = admin("GET", "v1/rotations?state=FAILED&limit=1000", null);
        assertEquals(200, list.status(), list::toString);
        List<String> ids = list.json().getJsonArray("items").stream().map(v -> v.asJsonObject().getString("secretId")).toList();
        assertTrue(ids.contains(failing), ids::toString);
        assertFalse(ids.contains(fine), ids::toString);
        List<String> all = admin("GET", "v1/rotations?limit=1000", null).json().getJsonArray("items").stream()
                .map(v -> v.asJsonObject().getString("secretId")).toList();
        assertTrue(all.containsAll(List.of(failing, fine)), all::toString);
        assertEquals(List.of(), admin("GET", "v1/rotations?overdue=true", null).json().getJsonArray("items").stream()
                .map(v -> v.asJsonObject().getString("secretId")).filter(s -> s.equals(fine)).toList(), "nothing is overdue yet");
        problem(admin("GET", "v1/rotations?state=DONE", null), 400, "INVALID_ARGUMENT");
        problem(admin("GET", "v1/rotations?overdue=maybe", null), 400, "INVALID_ARGUMENT");
        problem(admin("GET", "v1/rotations?colour=red", null), 400, "INVALID_ARGUMENT");
        assertNotEquals(0, server.metrics().prometheusText().indexOf("coffer_rotation_runs_total{"), "runs are counted");
    }
}
