package dev.coffer.server.rotation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two live {@code coffer serve} processes on one PostgreSQL database (data directories and ports
 * of their own, one root keyset, so each opens the other's values), both schedulers running:
 * rotations that fall due together are each run once, by one of them; and a rotation whose
 * instance dies mid-step is resumed by the other after the claim lease, as the same run with the
 * same pending value.
 */
@ExtendWith({ServerPostgres.class, NoValueLeaks.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoServersOneDatabaseTest {
    private static final int SECRETS = 40;
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final String KEY_SECRET = "prod/rotation/webhook-key";
    // The claim lease must outlast the longest step (the webhook timeout below is 4 s), with room for a loaded machine.
    private static final String LEASE = "10s";
    private static final Pattern CLAIM_PID = Pattern.compile("^coffer-.*-(\\d+)-[0-9a-f]{8}$");

    @TempDir
    static Path temp;

    private String database;
    private Path logs;
    private byte[] signingKey;
    private TestWebhookServer receiver;
    private ServeProcess first;
    private ServeProcess second;

    @BeforeAll
    void startTwoServers() throws IOException {
        database = ServerPostgres.createDatabase();
        logs = temp.resolve("logs");
        Path keyset = temp.resolve("keys").resolve("root-keyset.json");
        // One after the other: the first creates the keyset and migrates the database.
        first = ServeProcess.start(temp.resolve("data-1"), ServerPostgres.url(database), keyset, logs,
                "--rotation-claim-lease", LEASE, "--rotation-interval", "1s", "--rotation-workers", "4");
        second = ServeProcess.start(temp.resolve("data-2"), ServerPostgres.url(database), keyset, logs,
                "--rotation-claim-lease", LEASE, "--rotation-interval", "1s", "--rotation-workers", "4");
        signingKey = TestValues.remember(TestValues.text() + "-signing-key").getBytes(StandardCharsets.UTF_8);
        String keyId = first.ok(201, "POST", "v1/secrets",
                "{\"environment\":\"prod\",\"path\":\"rotation/webhook-key\",\"ownerTeam\":\"platform\"}").getString("id");
        first.ok(201, "POST", "v1/secrets/" + keyId + "/versions",
                "{\"value\":\"" + new String(signingKey, StandardCharsets.UTF_8) + "\"}");
        String downstream = TestValues.text();
        receiver = TestWebhookServer.start(signingKey, downstream.getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    void stopServers() {
        try {
            for (ServeProcess server : new ServeProcess[] {first, second}) {
                if (server != null) {
                    server.close();
                }
            }
            if (receiver != null) {
                receiver.close();
            }
        } finally {
            if (database != null) {
                ServerPostgres.dropDatabase(database);
            }
        }
    }

    @Test
    @Order(1)
    void fortyRotationsDueAtOnceOnTwoInstancesAreEachRunOnceWithOneNewVersion() throws Exception {
        Map<String, String> ids = new TreeMap<>(); // id -> path
        for (int i = 0; i < SECRETS; i++) {
            ServeProcess via = i % 2 == 0 ? first : second;
            String path = "fleet/key-" + i;
            ids.put(secretWithWebhookPolicy(via, path, TestValues.text()), path);
        }
        // Every one due now, opened through either instance; only the schedulers drive them.
        int i = 0;
        for (String id : ids.keySet()) {
            (i++ % 2 == 0 ? second : first).ok(202, "POST", "v1/secrets/" + id + "/rotation/run", null);
        }

        ServeProcess.await("all " + SECRETS + " rotations finished", DEADLINE,
                () -> runStates().values().stream().filter(List.of("FINISHED")::equals).count() == SECRETS);

        Map<String, List<String>> runs = runStates();
        for (String id : ids.keySet()) {
            assertEquals(List.of("FINISHED"), runs.get(id), "exactly one run, finished, for " + ids.get(id));
            assertEquals(List.of(1, 2), versions(id), "exactly one new version of " + ids.get(id));
            List<Received> creates = calls(id, "create");
            assertEquals(1, creates.size(), "one create for " + ids.get(id) + ", none twice");
            assertEquals(1, calls(id, "apply").size(), "one apply for " + ids.get(id));
            assertEquals(1, calls(id, "finish").size(), "one finish for " + ids.get(id));
            // Each instance opens the other's values: the key is shared, the data directories are not.
            String viaFirst = currentValueBase64(first, ids.get(id));
            assertEquals(viaFirst, currentValueBase64(second, ids.get(id)));
            assertEquals(viaFirst, calls(id, "apply").get(0).body().getString("pendingValueBase64"));
            assertTrue(receiver.accepts(Base64.getDecoder().decode(viaFirst)), "the downstream accepts " + ids.get(id));
        }
        double byFirst = finishedRuns(first);
        double bySecond = finishedRuns(second);
        System.out.println("TwoServersOneDatabaseTest: finished runs by instance: " + byFirst + " and " + bySecond);
        assertEquals(SECRETS, byFirst + bySecond, 0.0, "each run finished by exactly one instance");
        assertAuditIntact(first);
        assertAuditIntact(second);
        assertNoValueInServerOutput();
    }

    @Test
    @Order(2)
    void aRunWhoseInstanceDiesMidStepIsResumedByTheOtherAfterTheLeaseAsTheSameRunWithTheSameValue() throws Exception {
        String id = secretWithWebhookPolicy(first, "takeover/key", TestValues.text());
        CountDownLatch hung = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean armed = new AtomicBoolean(true);
        AtomicReference<String> pendingBefore = new AtomicReference<>();
        AtomicReference<Instant> resumedApplyAt = new AtomicReference<>();
        receiver.intercept(new TestWebhookServer.Interceptor() {
            @Override
            public Then beforeWork(String step, JsonObject body) {
                if (step.equals("apply") && id.equals(body.getString("secretId")) && !armed.get()) {
                    resumedApplyAt.compareAndSet(null, Instant.now());
                }
                return Then.GO_ON;
            }

            @Override
            public Then afterWork(String step, JsonObject body) {
                // The downstream applied the value, the answer never comes: the instance hangs in apply.
                if (!step.equals("apply") || !id.equals(body.getString("secretId")) || !armed.compareAndSet(true, false)) {
                    return Then.GO_ON;
                }
                pendingBefore.set(TestValues.remember(body.getString("pendingValueBase64")));
                hung.countDown();
                try {
                    release.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Then.DROP;
            }
        });
        try {
            String run = first.ok(202, "POST", "v1/secrets/" + id + "/rotation/run", null).getString("id");
            assertTrue(hung.await(DEADLINE.toSeconds(), TimeUnit.SECONDS), "an instance reached apply");

            long holder = claimHolderPid(id);
            Instant leaseEnds = claimExpiresAt(id);
            ServeProcess dying = holder == first.pid() ? first : second;
            ServeProcess survivor = dying == first ? second : first;
            assertEquals(holder, dying.pid(), "the claim names one of the two instances");
            dying.kill();
            release.countDown();

            JsonObject last = awaitLastRun(survivor, id, run, "FINISHED");
            assertEquals(run, last.getString("id"), "the same run, resumed");
            assertEquals(List.of("FINISHED"), runStates().get(id), "one run only");
            assertEquals(List.of(1, 2), versionsVia(survivor, id), "one new version");
            assertEquals(1, calls(id, "create").size(), "the survivor did not create a value of its own");
            List<String> applied = calls(id, "apply").stream().map(r -> r.body().getString("pendingValueBase64")).toList();
            assertTrue(applied.size() >= 2, "the survivor applied again: " + applied.size());
            // Not a claim about speed: the survivor must not have taken the secret while the dead one's lease held.
            assertFalse(resumedApplyAt.get().isBefore(leaseEnds), "the survivor resumed only after the lease ended");
            assertTrue(applied.stream().allMatch(pendingBefore.get()::equals), "every apply carried the same pending value");
            assertEquals(pendingBefore.get(), currentValueBase64(survivor, "takeover/key"), "and it became current");
            assertTrue(receiver.isCurrent(Base64.getDecoder().decode(pendingBefore.get())));
            assertAuditIntact(survivor);
            assertNoValueInServerOutput();
        } finally {
            release.countDown();
            receiver.intercept(null);
        }
    }

    private String secretWithWebhookPolicy(ServeProcess via, String path, String value) {
        TestValues.remember(Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
        String id = via.ok(201, "POST", "v1/secrets",
                "{\"environment\":\"prod\",\"path\":\"" + path + "\",\"ownerTeam\":\"payments\"}").getString("id");
        via.ok(201, "POST", "v1/secrets/" + id + "/versions", "{\"value\":\"" + value + "\"}");
        via.ok(200, "PUT", "v1/secrets/" + id + "/rotation", "{\"rotator\":\"webhook\",\"schedule\":\"30d\",\"overlap\":\"1h\","
                + "\"params\":{\"url\":\"" + receiver.url() + "\",\"signingKeySecret\":\"" + KEY_SECRET + "\",\"timeout\":\"4s\"}}");
        return id;
    }

    /** Each secret's runs' states, oldest first, as the database holds them. */
    private Map<String, List<String>> runStates() {
        try (Connection c = ServerPostgres.connect(database);
                PreparedStatement s = c.prepareStatement("SELECT secret_id, state FROM rotation_runs ORDER BY started_at, id");
                ResultSet rows = s.executeQuery()) {
            Map<String, List<String>> states = new TreeMap<>();
            while (rows.next()) {
                states.computeIfAbsent(rows.getString(1), k -> new ArrayList<>()).add(rows.getString(2));
            }
            return states;
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** The pid in the claim on {@code id}'s rotation work ({@code coffer-<host>-<pid>-<random>}). */
    private long claimHolderPid(String id) throws SQLException {
        try (Connection c = ServerPostgres.connect(database);
                PreparedStatement s = c.prepareStatement("SELECT claim_owner FROM rotation_policies WHERE secret_id = ?")) {
            s.setString(1, id);
            try (ResultSet rows = s.executeQuery()) {
                assertTrue(rows.next(), "a policy row");
                String owner = rows.getString(1);
                assertNotNull(owner, "the hung run is claimed");
                Matcher m = CLAIM_PID.matcher(owner);
                assertTrue(m.matches(), owner);
                return Long.parseLong(m.group(1));
            }
        }
    }

    private Instant claimExpiresAt(String id) throws SQLException {
        try (Connection c = ServerPostgres.connect(database);
                PreparedStatement s = c.prepareStatement("SELECT claim_expires_at FROM rotation_policies WHERE secret_id = ?")) {
            s.setString(1, id);
            try (ResultSet rows = s.executeQuery()) {
                assertTrue(rows.next(), "a policy row");
                return rows.getObject(1, java.time.OffsetDateTime.class).toInstant();
            }
        }
    }

    private List<Received> calls(String id, String step) {
        return receiver.received().stream().filter(r -> step.equals(r.step()) && id.equals(r.body().getString("secretId")))
                .toList();
    }

    private List<Integer> versions(String id) {
        return versionsVia(first, id);
    }

    private static List<Integer> versionsVia(ServeProcess via, String id) {
        return via.ok(200, "GET", "v1/secrets/" + id + "/versions", null).getJsonArray("items").stream()
                .map(v -> v.asJsonObject().getInt("version")).sorted().toList();
    }

    private static JsonObject awaitLastRun(ServeProcess via, String id, String run, String state) {
        JsonObject[] last = new JsonObject[1];
        ServeProcess.await("run " + run + " is " + state, DEADLINE, () -> {
            JsonValue value = via.ok(200, "GET", "v1/secrets/" + id + "/rotation", null).get("lastRun");
            last[0] = value instanceof JsonObject o ? o : null;
            return last[0] != null && last[0].getString("id").equals(run) && last[0].getString("state").equals(state);
        });
        return last[0];
    }

    private static String currentValueBase64(ServeProcess via, String path) {
        JsonObject read = via.ok(200, "GET", "v1/secrets/prod/" + path, null);
        if (read.containsKey("value") && !read.isNull("value")) {
            TestValues.remember(read.getString("value"));
            return TestValues.remember(Base64.getEncoder().encodeToString(read.getString("value").getBytes(StandardCharsets.UTF_8)));
        }
        return TestValues.remember(read.getString("valueBase64"));
    }

    /** {@code coffer_rotation_runs_total{result="finished",rotator="webhook"}} of one instance. */
    private static double finishedRuns(ServeProcess via) {
        String scrape = via.call("GET", "metrics", null).body();
        return scrape.lines().filter(l -> l.startsWith("coffer_rotation_runs_total{") && l.contains("result=\"finished\"")
                && l.contains("rotator=\"webhook\"")).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static void assertAuditIntact(ServeProcess via) {
        JsonObject verify = via.ok(200, "POST", "v1/audit/verify", null);
        assertTrue(verify.getBoolean("intact"), verify.toString());
    }

    private void assertNoValueInServerOutput() throws IOException {
        try (Stream<Path> files = Files.list(logs)) {
            for (Path file : files.toList()) {
                String text = Files.readString(file);
                List<String> found = TestValues.issued().stream().filter(text::contains).collect(Collectors.toList());
                assertFalse(!found.isEmpty(), () -> found.size() + " test value(s) in " + file.getFileName());
            }
        }
    }
}
