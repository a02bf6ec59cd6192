package dev.coffer.server.rotation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.rotation.TestWebhookServer.Received;
import dev.coffer.server.rotation.TestWebhookServer.Then;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A real {@code coffer serve} process on PostgreSQL, SIGKILLed at each step boundary of a
 * {@code webhook} rotation, then started again on the same database and data directory: the run
 * resumes at the right step with the same pending value and finishes with one new version.
 *
 * <p>The receiver ({@link TestWebhookServer} in this JVM) kills the server from inside a step's
 * call, so the boundary is exact: {@link When#ON_ARRIVAL} before the downstream is touched (the
 * previous step is recorded, this one has not begun), {@link When#AFTER_WORK} after the downstream
 * did the step's work but before the answer (the work is done, Coffer does not know it). One more
 * kill comes while no step runs at all (waiting out a canary). The claim lease is 5 s (above the
 * webhook timeout of 2 s), so the restarted instance does not wait two minutes for the dead one's claim.
 */
@ExtendWith({ServerPostgres.class, NoValueLeaks.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerKilledAtStepBoundaryTest {
    private static final Duration RESUME_DEADLINE = Duration.ofSeconds(120);
    private static final String KEY_SECRET = "prod/rotation/webhook-key";

    /** Where in a step's call the server dies. */
    enum When {
        /** As the call arrives, before the downstream changes. */
        ON_ARRIVAL,
        /** After the downstream did the step's work, before it answers. */
        AFTER_WORK,
    }

    @TempDir
    static Path temp;

    private String database;
    private Path data;
    private Path keyset;
    private Path logs;
    private byte[] signingKey;
    private volatile ServeProcess server;

    @BeforeAll
    void startServer() throws IOException {
        database = ServerPostgres.createDatabase();
        data = temp.resolve("data");
        keyset = temp.resolve("keys").resolve("root-keyset.json");
        logs = temp.resolve("logs");
        server = start();
        signingKey = TestValues.remember(TestValues.text() + "-signing-key").getBytes(StandardCharsets.UTF_8);
        String keyId = server.ok(201, "POST", "v1/secrets",
                "{\"environment\":\"prod\",\"path\":\"rotation/webhook-key\",\"ownerTeam\":\"platform\"}").getString("id");
        server.ok(201, "POST", "v1/secrets/" + keyId + "/versions",
                "{\"value\":\"" + new String(signingKey, StandardCharsets.UTF_8) + "\"}");
    }

    @AfterAll
    void stopServer() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (database != null) {
                ServerPostgres.dropDatabase(database);
            }
        }
    }

    private ServeProcess start() throws IOException {
        return ServeProcess.start(data, ServerPostgres.url(database), keyset, logs,
                "--rotation-claim-lease", "5s", "--rotation-interval", "1s", "--rotation-workers", "2");
    }

    static Stream<Arguments> boundaries() {
        return Stream.of("create", "apply", "test", "finish")
                .flatMap(step -> Stream.of(Arguments.of(step, When.ON_ARRIVAL), Arguments.of(step, When.AFTER_WORK)));
    }

    @ParameterizedTest(name = "killed {1} of {0}")
    @MethodSource("boundaries")
    void aServerKilledAtAStepBoundaryResumesAfterRestartWithTheSameValueAndOneNewVersion(String step, When when) throws Exception {
        String path = "crash/" + step + "-" + when.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        String first = TestValues.text();
        TestValues.remember(b64(first));
        try (TestWebhookServer receiver = TestWebhookServer.start(signingKey, first.getBytes(StandardCharsets.UTF_8))) {
            String id = secretWithWebhookPolicy(path, first, receiver);
            CountDownLatch killed = killOnFirst(receiver, step, when);

            String run = server.ok(202, "POST", "v1/secrets/" + id + "/rotation/run", null).getString("id");
            assertTrue(killed.await(RESUME_DEADLINE.toSeconds(), TimeUnit.SECONDS), "the server reached " + step);
            assertFalse(server.isAlive());
            server = start();

            assertRotatedOnceWithTheAppliedValue(id, path, run, receiver);
            assertTrue(calls(receiver, run, step) >= 2, "the step the server died in ran again after the restart");
            assertAuditIntact();
            assertNoValueInServerOutput();
        }
    }

    @Test
    void aServerKilledWhileNoStepRunsDuringTheCanaryPromotesAfterRestartWithTheSameValue() throws Exception {
        String path = "crash/during-canary";
        String first = TestValues.text();
        TestValues.remember(b64(first));
        try (TestWebhookServer receiver = TestWebhookServer.start(signingKey, first.getBytes(StandardCharsets.UTF_8))) {
            String id = secretWithWebhookPolicy(path, first, receiver, ",\"canary\":\"6s\"");
            String run = server.ok(202, "POST", "v1/secrets/" + id + "/rotation/run", null).getString("id");
            // Tested and waiting for promotion: no step runs and no claim is held, only the run's row says where it is.
            awaitLastRun(id, run, "CANARY");
            JsonObject aliases = server.ok(200, "GET", "v1/secrets/" + id, null).getJsonObject("aliases");
            assertEquals(2, aliases.getInt("next"), "the pending version is readable as next: " + aliases);
            assertEquals(1, aliases.getInt("current"), aliases.toString());
            assertNull(claimOwner(id), "no instance holds the secret while the canary runs");
            server.kill();
            server = start();

            assertRotatedOnceWithTheAppliedValue(id, path, run, receiver);
            assertEquals(1, pendingValues(receiver, run, "apply").size(), "apply ran once: the restart resumed after it");
            assertAuditIntact();
            assertNoValueInServerOutput();
        }
    }

    /**
     * Run {@code run} of {@code id} finishes with one new version (1 and 2, 2 current), whose value
     * every {@code apply} carried and the downstream accepts as its current credential.
     */
    private void assertRotatedOnceWithTheAppliedValue(String id, String path, String run, TestWebhookServer receiver) {
        JsonObject last = awaitLastRun(id, run, "FINISHED");
        assertEquals(0, last.getInt("attempt"), "a crash is not a failed attempt: " + last);
        JsonObject secret = server.ok(200, "GET", "v1/secrets/" + id, null);
        assertEquals(2, secret.getJsonObject("aliases").getInt("current"), secret.toString());
        assertEquals(1, secret.getJsonObject("aliases").getInt("previous"), secret.toString());
        assertEquals(List.of(1, 2), versions(id), "one new version only");

        String currentB64 = currentValueBase64(path);
        List<String> applied = pendingValues(receiver, run, "apply");
        assertFalse(applied.isEmpty(), "apply ran");
        assertTrue(applied.stream().allMatch(currentB64::equals),
                "every apply, before and after the kill, carried the value that became current");
        assertTrue(receiver.accepts(Base64.getDecoder().decode(currentB64)), "the downstream accepts the current value");
        assertTrue(receiver.isCurrent(Base64.getDecoder().decode(currentB64)), "the downstream's finish saw it");
        assertTrue(receiver.received().stream().allMatch(Received::signatureValid), "every call was signed");
        assertEquals(1, receiver.received().stream().map(Received::runIdHeader).distinct().count(), "one run, resumed");
    }

    @Test
    void aServerKilledAfterTheDiscardOfATestOnlyRunDiscardsOnceMoreAfterRestartAndKeepsCurrent() throws Exception {
        String first = TestValues.text();
        TestValues.remember(b64(first));
        try (TestWebhookServer receiver = TestWebhookServer.start(signingKey, first.getBytes(StandardCharsets.UTF_8))) {
            String id = secretWithWebhookPolicy("crash/discard-after-work", first, receiver);
            CountDownLatch killed = killOnFirst(receiver, "discard", When.AFTER_WORK);

            String run = server.ok(202, "POST", "v1/secrets/" + id + "/rotation/run", "{\"testOnly\":true}").getString("id");
            assertTrue(killed.await(RESUME_DEADLINE.toSeconds(), TimeUnit.SECONDS), "the server reached discard");
            server = start();

            awaitLastRun(id, run, "DISCARDED");
            JsonObject secret = server.ok(200, "GET", "v1/secrets/" + id, null);
            assertEquals(1, secret.getJsonObject("aliases").getInt("current"), secret.toString());
            assertFalse(secret.getJsonObject("aliases").containsKey("next"), "next is cleared: " + secret);
            assertEquals(b64(first), currentValueBase64("crash/discard-after-work"));
            List<String> applied = pendingValues(receiver, run, "apply");
            List<String> discarded = pendingValues(receiver, run, "discard");
            assertEquals(1, applied.stream().distinct().count(), "one pending value");
            assertTrue(discarded.size() >= 2 && discarded.stream().allMatch(applied.get(0)::equals),
                    "the discard killed after its work ran again, for the same pending value");
            assertFalse(receiver.accepts(Base64.getDecoder().decode(applied.get(0))), "the pending credential is revoked");
            assertTrue(receiver.accepts(first.getBytes(StandardCharsets.UTF_8)), "the current credential still works");
            assertAuditIntact();
            assertNoValueInServerOutput();
        }
    }

    /** A secret at {@code prod/<path>} with {@code value} current and a webhook policy to {@code receiver}. */
    private String secretWithWebhookPolicy(String path, String value, TestWebhookServer receiver) {
        return secretWithWebhookPolicy(path, value, receiver, "");
    }

    /** As above, with {@code more} policy fields (a leading comma and JSON members). */
    private String secretWithWebhookPolicy(String path, String value, TestWebhookServer receiver, String more) {
        String id = server.ok(201, "POST", "v1/secrets",
                "{\"environment\":\"prod\",\"path\":\"" + path + "\",\"ownerTeam\":\"payments\"}").getString("id");
        server.ok(201, "POST", "v1/secrets/" + id + "/versions", "{\"value\":\"" + value + "\"}");
        server.ok(200, "PUT", "v1/secrets/" + id + "/rotation", "{\"rotator\":\"webhook\",\"schedule\":\"30d\",\"overlap\":\"1h\"" + more + ","
                + "\"params\":{\"url\":\"" + receiver.url() + "\",\"signingKeySecret\":\"" + KEY_SECRET + "\",\"timeout\":\"2s\"}}");
        return id;
    }

    /**
     * Arms {@code receiver} to SIGKILL the server on the first call of {@code step}, at
     * {@code when}, and drop that call; the latch opens once the process is gone.
     */
    private CountDownLatch killOnFirst(TestWebhookServer receiver, String step, When when) {
        CountDownLatch killed = new CountDownLatch(1);
        AtomicBoolean armed = new AtomicBoolean(true);
        receiver.intercept(new TestWebhookServer.Interceptor() {
            @Override
            public Then beforeWork(String called, JsonObject body) {
                return when == When.ON_ARRIVAL ? killIf(called) : Then.GO_ON;
            }

            @Override
            public Then afterWork(String called, JsonObject body) {
                return when == When.AFTER_WORK ? killIf(called) : Then.GO_ON;
            }

            private Then killIf(String called) {
                if (!called.equals(step) || !armed.compareAndSet(true, false)) {
                    return Then.GO_ON;
                }
                server.kill();
                killed.countDown();
                return Then.DROP;
            }
        });
        return killed;
    }

    private JsonObject awaitLastRun(String id, String run, String state) {
        JsonObject[] last = new JsonObject[1];
        ServeProcess.await("run " + run + " is " + state, RESUME_DEADLINE, () -> {
            JsonValue value = server.ok(200, "GET", "v1/secrets/" + id + "/rotation", null).get("lastRun");
            last[0] = value instanceof JsonObject o ? o : null;
            return last[0] != null && last[0].getString("id").equals(run) && last[0].getString("state").equals(state);
        });
        return last[0];
    }

    private String claimOwner(String id) throws SQLException {
        try (Connection c = ServerPostgres.connect(database);
                PreparedStatement s = c.prepareStatement("SELECT claim_owner FROM rotation_policies WHERE secret_id = ?")) {
            s.setString(1, id);
            try (ResultSet rows = s.executeQuery()) {
                assertTrue(rows.next(), "a policy row");
                return rows.getString(1);
            }
        }
    }

    private List<Integer> versions(String id) {
        return server.ok(200, "GET", "v1/secrets/" + id + "/versions", null).getJsonArray("items").stream()
                .map(v -> v.asJsonObject().getInt("version")).sorted().toList();
    }

    /** The current value of {@code prod/<path>} in base64, remembered for the leak scans. */
    private String currentValueBase64(String path) {
        JsonObject read = server.ok(200, "GET", "v1/secrets/prod/" + path, null);
        String b64 = read.containsKey("valueBase64") && !read.isNull("valueBase64") ? read.getString("valueBase64")
                : b64(read.getString("value"));
        if (read.containsKey("value") && !read.isNull("value")) {
            TestValues.remember(read.getString("value"));
        }
        TestValues.remember(b64);
        return b64;
    }

    private static long calls(TestWebhookServer receiver, String run, String step) {
        return receiver.received().stream().filter(r -> step.equals(r.step()) && run.equals(r.body().getString("runId"))).count();
    }

    private static List<String> pendingValues(TestWebhookServer receiver, String run, String step) {
        return receiver.received().stream().filter(r -> step.equals(r.step()) && run.equals(r.body().getString("runId")))
                .map(r -> TestValues.remember(r.body().getString("pendingValueBase64"))).toList();
    }

    private void assertAuditIntact() {
        JsonObject verify = server.ok(200, "POST", "v1/audit/verify", null);
        assertTrue(verify.getBoolean("intact"), verify.toString());
    }

    /** No test value (nor its base64) in anything any server process wrote so far. */
    private void assertNoValueInServerOutput() throws IOException {
        try (Stream<Path> files = Files.list(logs)) {
            for (Path file : files.toList()) {
                String text = Files.readString(file);
                for (String value : TestValues.issued()) {
                    assertFalse(text.contains(value), () -> "a test value in " + file.getFileName());
                }
            }
        }
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
