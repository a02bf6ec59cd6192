package dev.coffer.server.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.auth.JwtSettings;
import dev.coffer.tck.support.Await;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone server runs its rotation scheduler: a rotate-now of a {@code generated} secret is
 * claimed and driven to the end by the server's own workers, with nothing calling the engine but
 * the scheduler, and the rotation metrics show it. With {@code --no-rotation} no scheduler runs.
 */
@ExtendWith(NoValueLeaks.class)
class RotationSchedulingTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path temp;

    private record Answer(int status, String body) {
        JsonObject json() {
            return Json.createReader(new StringReader(body)).readObject();
        }
    }

    private static Answer call(Coffer coffer, String token, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + coffer.port() + "/" + path))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Answer(response.statusCode(), response.body());
    }

    private static Answer ok(Answer answer, int status) {
        assertEquals(status, answer.status(), answer.body());
        return answer;
    }

    @Test
    void theSchedulerDrivesARotateNowOfAGeneratedSecretToTheEnd() throws Exception {
        Path data = temp.resolve("data");
        ServeOptions options = new ServeOptions("127.0.0.1", 0, data, null, null, true, false, JwtSettings.defaults())
                .withRotationWorkers(2);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (Coffer coffer = Coffer.start(options, new PrintStream(console, true, StandardCharsets.UTF_8))) {
            assertTrue(console.toString(StandardCharsets.UTF_8).contains("rotation:    2 workers"), console::toString);
            assertEquals(2, coffer.rotationScheduler().workers());
            String token = Files.readString(data.resolve(DataDir.ADMIN_TOKEN)).trim();
            String id = ok(call(coffer, token, "POST", "v1/secrets",
                    "{\"environment\":\"prod\",\"path\":\"scheduled/db\",\"ownerTeam\":\"payments\"}"), 201).json().getString("id");
            String first = TestValues.text();
            ok(call(coffer, token, "POST", "v1/secrets/" + id + "/versions", "{\"value\":\"" + first + "\"}"), 201);
            ok(call(coffer, token, "PUT", "v1/secrets/" + id + "/rotation",
                    "{\"rotator\":\"generated\",\"schedule\":\"30d\",\"params\":{\"length\":\"40\"}}"), 200);
            String run = ok(call(coffer, token, "POST", "v1/secrets/" + id + "/rotation/run", null), 202).json().getString("id");

            Await.until("the scheduler finished the run", () -> {
                try {
                    JsonObject last = call(coffer, token, "GET", "v1/secrets/" + id + "/rotation", null).json().getJsonObject("lastRun");
                    return last != null && last.getString("id").equals(run) && last.getString("state").equals("FINISHED");
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            String rotated = ok(call(coffer, token, "GET", "v1/secrets/prod/scheduled/db", null), 200).json().getString("value");
            TestValues.remember(rotated);
            assertNotEquals(first, rotated);
            assertEquals(40, rotated.length(), "the generated rotator's policy");
            JsonObject aliases = ok(call(coffer, token, "GET", "v1/secrets/" + id, null), 200).json().getJsonObject("aliases");
            assertEquals(2, aliases.getInt("current"));
            assertEquals(1, aliases.getInt("previous"));

            Await.until("the overdue secrets were counted", () -> coffer.rotationScheduler() != null
                    && metrics(coffer, token).contains("coffer_rotation_overdue_secrets 0.0"));
            String scrape = metrics(coffer, token);
            assertTrue(scrape.contains("coffer_rotation_runs_total{result=\"finished\",rotator=\"generated\"} 1.0"), scrape);
            assertTrue(scrape.contains("coffer_rotation_step_seconds_count{outcome=\"ok\",rotator=\"generated\",step=\"create\"}"), scrape);
            assertTrue(scrape.contains("coffer_rotation_last_success_seconds{rotator=\"generated\"}"), scrape);
            assertFalse(scrape.contains(first) || scrape.contains(rotated) || scrape.contains("scheduled/db") || scrape.contains(id),
                    "no value, path or id in the metrics");
        }
    }

    @Test
    void aDurableServerKeepsItsPolicyAcrossARestartAndItsSchedulerRotatesOnTheDatabase() throws Exception {
        Path data = temp.resolve("durable");
        ServeOptions options = new ServeOptions("127.0.0.1", 0, data, null, null, false, false, JwtSettings.defaults());
        String id;
        try (Coffer coffer = Coffer.start(options, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            String token = Files.readString(data.resolve(DataDir.ADMIN_TOKEN)).trim();
            id = ok(call(coffer, token, "POST", "v1/secrets",
                    "{\"environment\":\"prod\",\"path\":\"durable/db\",\"ownerTeam\":\"payments\"}"), 201).json().getString("id");
            ok(call(coffer, token, "POST", "v1/secrets/" + id + "/versions", "{\"value\":\"" + TestValues.text() + "\"}"), 201);
            ok(call(coffer, token, "PUT", "v1/secrets/" + id + "/rotation", "{\"rotator\":\"generated\",\"schedule\":\"7d\"}"), 200);
        }
        try (Coffer coffer = Coffer.start(options, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            String token = Files.readString(data.resolve(DataDir.ADMIN_TOKEN)).trim();
            JsonObject status = ok(call(coffer, token, "GET", "v1/secrets/" + id + "/rotation", null), 200).json();
            assertEquals("7d", status.getJsonObject("policy").getString("schedule"), "the policy outlived the restart");
            String run = ok(call(coffer, token, "POST", "v1/secrets/" + id + "/rotation/run", null), 202).json().getString("id");
            Await.until("the scheduler finished the run on the database", () -> {
                try {
                    JsonObject last = call(coffer, token, "GET", "v1/secrets/" + id + "/rotation", null).json().getJsonObject("lastRun");
                    return last != null && last.getString("id").equals(run) && last.getString("state").equals("FINISHED");
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            TestValues.remember(ok(call(coffer, token, "GET", "v1/secrets/prod/durable/db", null), 200).json().getString("value"));
            assertEquals(2, ok(call(coffer, token, "GET", "v1/secrets/" + id, null), 200).json().getJsonObject("aliases").getInt("current"));
        }
    }

    @Test
    void withNoRotationNoSchedulerRuns() throws Exception {
        Path data = temp.resolve("manual");
        ServeOptions options = new ServeOptions("127.0.0.1", 0, data, null, null, true, false, JwtSettings.defaults())
                .withRotationWorkers(0);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (Coffer coffer = Coffer.start(options, new PrintStream(console, true, StandardCharsets.UTF_8))) {
            assertNull(coffer.rotationScheduler());
            assertTrue(console.toString(StandardCharsets.UTF_8).contains("rotation:    not run by this process (--no-rotation)"),
                    console::toString);
            assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("coffer-rotation-scheduler")
                    && t.isAlive() && t.getThreadGroup() != null), "no scheduler thread");
        }
    }

    private static String metrics(Coffer coffer, String token) {
        try {
            return ok(call(coffer, token, "GET", "metrics", null), 200).body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
