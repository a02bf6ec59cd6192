package dev.coffer.server.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.config.CofferConfigSource;
import dev.coffer.config.settings.Settings;
import dev.coffer.server.cli.Coffer;
import dev.coffer.server.rotation.ServeProcess;
import dev.coffer.server.rotation.ServerPostgres;
import dev.coffer.server.support.SseStream;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof of delivery: two {@code coffer serve} processes on one PostgreSQL database;
 * a {@code coffer agent} process (one raw file, a command appending one line to a counter file per
 * run) and an in-JVM SmallRye Config with the {@link CofferConfigSource} follow instance A, while
 * every change is made through instance B. Both consumers have a TTL of one hour: only the change
 * stream (A learning of B's writes from the database) can explain a prompt change.
 *
 * <p>Measured, not asserted: for each change the time from B's write returning to the file content
 * and the property value changing (polled every 5 ms), written to {@code target/propagation.txt}.
 * Asserted: every change arrives within a generous deadline and the command ran exactly once per
 * change. {@code -Dcoffer.propagation.rounds=N} sets the number of rotation + revocation pairs
 * (default 25, i.e. 50 changes).
 */
@ExtendWith({ServerPostgres.class, NoValueLeaks.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PropagationTest {
    private static final int ROUNDS = Integer.getInteger("coffer.propagation.rounds", 17);
    /** A hung change fails the test after this; it is no claim about speed. */
    private static final Duration PER_CHANGE = Duration.ofSeconds(20);
    private static final Duration START = Duration.ofSeconds(90);
    private static final String PATH = "delivery/db-password";
    private static final String PROPERTY = "db.password";
    private static final String GONE = "\u0000gone";
    private static final String WATCH_QUERY = "environment=prod&prefix=delivery/";

    @TempDir
    static Path temp;

    private String database;
    private Path logs;
    private Path keyset;
    private int portA;
    private ServeProcess a;
    private ServeProcess b;
    private String secretId;
    private int lastVersion;
    private Path tokenFile;
    private final List<Process> agents = new ArrayList<>();
    private final List<CofferConfigSource> sources = new ArrayList<>();

    @BeforeAll
    void startTwoServers() throws IOException {
        database = ServerPostgres.createDatabase();
        logs = temp.resolve("logs");
        keyset = temp.resolve("keys").resolve("root-keyset.json");
        portA = freePort();
        // One after the other: the first creates the keyset and migrates the database. A on a fixed
        // port, so that the consumers find it again when it is restarted.
        a = ServeProcess.start(temp.resolve("data-a"), ServerPostgres.url(database), keyset, logs, portA);
        assumeTheServerHasTheChangeStream();
        b = ServeProcess.start(temp.resolve("data-b"), ServerPostgres.url(database), keyset, logs);
        secretId = b.ok(201, "POST", "v1/secrets",
                "{\"environment\":\"prod\",\"path\":\"" + PATH + "\",\"ownerTeam\":\"payments\"}").getString("id");
        rotate();
        tokenFile = temp.resolve("token");
        Files.writeString(tokenFile, a.token());
    }

    /**
     * Until the server has the change stream there is nothing to prove: skip with the reason. The
     * probe returns with the status line whether or not a stream opens (a malformed environment is
     * refused before one would).
     */
    private void assumeTheServerHasTheChangeStream() {
        int status;
        try (SseStream probe = SseStream.open(URI.create(a.url() + "/"), "environment=not%20an%20environment", a.token(), null)) {
            status = probe.status;
        }
        if (status == 404) {
            System.out.println("[reference-server] skipping PropagationTest: GET /v1/watch answers 404 (no change stream in this build)");
        }
        Assumptions.assumeFalse(status == 404, "GET /v1/watch answers 404: this build has no change stream");
    }

    @AfterAll
    void stopEverything() {
        try {
            sources.forEach(CofferConfigSource::close);
            for (Process agent : agents) {
                agent.destroy();
                try {
                    if (!agent.waitFor(20, TimeUnit.SECONDS)) {
                        agent.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    agent.destroyForcibly();
                }
            }
            for (ServeProcess server : new ServeProcess[] {a, b}) {
                if (server != null) {
                    server.close();
                }
            }
            keepLogs();
        } finally {
            if (database != null) {
                ServerPostgres.dropDatabase(database);
            }
        }
    }

    @Test
    @Order(1)
    void everyRotationAndRevocationMadeThroughBReachesTheAgentsFileAndThePropertyThroughAAndTheCommandRunsOncePerChange()
            throws Exception {
        Consumers c = consumers("follow", Duration.ofHours(1), Duration.ofSeconds(20));
        List<String> events = new ArrayList<>(List.of("rendered"));
        assertEquals(events, c.runs(), "the first render ran the command once");

        List<Long> fileNanos = new ArrayList<>();
        List<Long> propertyNanos = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            String value = rotate();
            Arrival rotation = c.await("rotation " + round, value);
            events.add("rendered");
            c.awaitRuns(events);
            fileNanos.add(rotation.file());
            propertyNanos.add(rotation.property());

            // The current version cannot be disabled (VERSION_IS_CURRENT): the revocation of what a
            // consumer following 'current' serves is a scheduled deletion; a restore brings it back.
            scheduleDeletion();
            Arrival revocation = c.await("revocation " + round, GONE);
            events.add("revoked");
            c.awaitRuns(events);
            fileNanos.add(revocation.file());
            propertyNanos.add(revocation.property());

            restore();
            Arrival restored = c.await("restore " + round, value);
            events.add("rendered");
            c.awaitRuns(events);
            fileNanos.add(restored.file());
            propertyNanos.add(restored.property());
        }
        // A late duplicate would show here; a quiet second is all the test waits for it.
        Thread.sleep(1000);
        assertEquals(events, c.runs(), "the command ran exactly once per change, told which");

        String report = "Propagation through two coffer serve instances on one PostgreSQL database\n"
                + "(writes through B; coffer agent and the ConfigSource follow A; TTL 1 h; polled every 5 ms)\n"
                + "changes: " + fileNanos.size() + " (" + ROUNDS + " rotations, " + ROUNDS + " revocations by scheduled deletion, "
                + ROUNDS + " restores)\n"
                + figures("agent file", fileNanos) + "\n" + figures("property  ", propertyNanos) + "\n"
                + "ConfigSource stats: " + c.source().stats() + "\n";
        System.out.println(report);
        Path out = Path.of("target", "propagation.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        assertNoValueInOutput();
    }

    @Test
    @Order(2)
    void withTheStreamDownValuesAreServedWithinMaxStaleThenFailAndTheStreamResumesWhenAComesBack() throws Exception {
        // Short TTL and max-stale so that an outage outlives them; the one-hour consumers of the
        // first test still follow A and show the resumption.
        Consumers brief = consumers("outage", Duration.ofSeconds(3), Duration.ofSeconds(10));
        Consumers follow = consumers("resume", Duration.ofHours(1), Duration.ofMinutes(30));
        String before = currentValue();
        Object statsBefore = follow.source().stats();
        // Where a watcher of A stands before the outage: the cursor of its ready event.
        String cursor;
        try (SseStream watch = SseStream.open(URI.create(a.url() + "/"), WATCH_QUERY, a.token(), null)) {
            assertEquals(200, watch.status);
            cursor = watch.until(e -> "ready".equals(e.name()), PER_CHANGE).get(0).id();
        }

        a.close();
        long down = System.nanoTime();
        // Served stale while max-stale lasts (the property from the cache, the file left in place) ...
        assertEquals(before, brief.property(), "served right after the outage began");
        ServeProcess.await("the short-lived consumers stop serving", Duration.ofSeconds(60),
                () -> GONE.equals(brief.property()) && GONE.equals(brief.file()));
        long failedAfter = System.nanoTime() - down;
        assertTrue(brief.source().stats().staleServes() > 0, "served stale before failing: " + brief.source().stats());

        // ... and a change made meanwhile through B arrives once A is back.
        String meanwhile = rotate();
        a = ServeProcess.start(temp.resolve("data-a"), ServerPostgres.url(database), keyset, logs, portA);
        long back = System.nanoTime();
        Arrival resumed = follow.await("the change made while A was down", meanwhile, back, Duration.ofSeconds(60));
        follow.awaitRuns(List.of("rendered", "rendered"));
        brief.await("the short-lived consumers serving again", meanwhile, back, Duration.ofSeconds(60));
        // On the wire: resumed from the cursor, without a reset, the missed version replayed.
        try (SseStream watch = SseStream.open(URI.create(a.url() + "/"), WATCH_QUERY, a.token(), cursor)) {
            assertEquals(200, watch.status);
            List<SseStream.Event> seen = watch.until(e -> "version-added".equals(e.name()) && e.data() != null
                    && json(e.data()).getInt("version", -1) == lastVersion, PER_CHANGE);
            assertEquals("ready", seen.get(0).name(), "ready first: " + seen);
            assertTrue(json(seen.get(0).data()).getBoolean("resumed"), "resumed from Last-Event-ID " + cursor + ": " + seen);
            assertTrue(seen.stream().noneMatch(e -> "reset".equals(e.name())), "no reset: " + seen);
            assertTrue(Long.parseLong(seen.get(seen.size() - 1).id()) > Long.parseLong(cursor), "replayed after the cursor");
        }
        String report = "outage: short-lived consumers (TTL 3 s, max-stale 10 s) stopped serving "
                + millis(failedAfter) + " ms after A stopped\n"
                + "resume: the change made while A was down reached the one-hour consumers "
                + millis(resumed.file()) + " ms (file) / " + millis(resumed.property()) + " ms (property) after A listened again\n"
                + "ConfigSource stats before / after: " + statsBefore + " / " + follow.source().stats() + "\n";
        System.out.println(report);
        Path out = Path.of("target", "propagation.txt");
        Files.writeString(out, report, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        assertNoValueInOutput();
    }

    /** Adds a version through B (it becomes current) and returns its value. */
    private String rotate() {
        String value = TestValues.text();
        lastVersion = b.ok(201, "POST", "v1/secrets/" + secretId + "/versions", "{\"value\":\"" + value + "\"}").getInt("version");
        return value;
    }

    /** Schedules the secret's deletion through B: a revocation (reads fail SECRET_PENDING_DELETION). */
    private void scheduleDeletion() {
        b.ok(202, "DELETE", "v1/secrets/" + secretId, null);
    }

    /** Restores the secret through B: its current version is served again. */
    private void restore() {
        b.ok(200, "POST", "v1/secrets/" + secretId + "/restore", null);
    }

    private String currentValue() {
        return TestValues.remember(b.ok(200, "GET", "v1/secrets/prod/" + PATH, null).getString("value"));
    }

    /** An agent process and a ConfigSource, both following A, with their own cache settings. */
    private Consumers consumers(String name, Duration ttl, Duration maxStale) throws IOException {
        Path dir = Files.createDirectories(temp.resolve(name));
        Path file = dir.resolve("db-password");
        Path counter = dir.resolve("runs");
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, String.join("\n",
                "server: " + a.url(),
                "token-file: " + tokenFile,
                "cache: {ttl: " + ttl.toSeconds() + "s, jitter: 0s, max-stale: " + maxStale.toSeconds() + "s}",
                "templates:",
                "  - destination: " + file,
                "    format: raw",
                "    secret: prod/" + PATH,
                "    on-revoke: remove",
                "    command: [\"sh\", \"-c\", \"echo \\\"$COFFER_EVENT\\\" >> '" + counter + "'\"]",
                "    command-timeout: 10s",
                ""));
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Coffer.class.getName(),
                "agent", "--config", config.toString());
        Files.createDirectories(logs);
        Process agent = new ProcessBuilder(command).redirectOutput(logs.resolve("agent-" + name + ".out").toFile())
                .redirectError(logs.resolve("agent-" + name + ".err").toFile()).start();
        agents.add(agent);
        CofferConfigSource source = new CofferConfigSource(Settings.builder().url(a.url()).tokenFile(tokenFile)
                .ttl(ttl).jitter(Duration.ZERO).maxStale(maxStale).startupTimeout(START).map(PROPERTY, "prod/" + PATH).build());
        sources.add(source);
        Consumers c = new Consumers(file, counter, source, new SmallRyeConfigBuilder().withSources(source).build(), agent);
        ServeProcess.await("agent " + name + " rendered its file", START, () -> {
            if (!agent.isAlive()) {
                throw new AssertionError("coffer agent exited with " + agent.exitValue() + ": " + read(logs.resolve("agent-" + name + ".err")));
            }
            return !GONE.equals(c.file()) && c.runs().size() == 1;
        });
        return c;
    }

    /** When a change was seen, in nanoseconds after the write returned. */
    private record Arrival(long file, long property) {}

    private record Consumers(Path path, Path counter, CofferConfigSource source, SmallRyeConfig config, Process agent) {
        String file() {
            try {
                return TestValues.remember(Files.readString(path, StandardCharsets.UTF_8));
            } catch (NoSuchFileException e) {
                return GONE;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String property() {
            try {
                return config.getValue(PROPERTY, String.class);
            } catch (RuntimeException e) {
                // Revoked or expired: the ConfigSource fails closed.
                return GONE;
            }
        }

        List<String> runs() {
            try {
                return Files.exists(counter) ? Files.readAllLines(counter) : List.of();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Arrival await(String what, String expected) throws InterruptedException {
            return await(what, expected, System.nanoTime(), PER_CHANGE);
        }

        /** Polls file and property every 5 ms until both show {@code expected}; GONE for revoked. */
        Arrival await(String what, String expected, long since, Duration deadline) throws InterruptedException {
            long end = since + deadline.toNanos();
            long file = -1;
            long property = -1;
            while (file < 0 || property < 0) {
                long now = System.nanoTime();
                if (file < 0 && expected.equals(file())) {
                    file = now - since;
                }
                if (property < 0 && expected.equals(property())) {
                    property = now - since;
                }
                if (now - end > 0) {
                    throw new AssertionError(what + " did not arrive within " + deadline + " (file " + (file >= 0)
                            + ", property " + (property >= 0) + "); agent alive: " + agent.isAlive());
                }
                Thread.sleep(5);
            }
            return new Arrival(file, property);
        }

        void awaitRuns(List<String> expected) {
            ServeProcess.await("the command ran " + expected.size() + " times", PER_CHANGE, () -> {
                List<String> runs = runs();
                assertTrue(runs.size() <= expected.size(), () -> "the command ran more often than there were changes: " + runs);
                return runs.size() == expected.size();
            });
            assertEquals(expected, runs());
        }
    }

    private static String figures(String what, List<Long> nanos) {
        List<Long> sorted = nanos.stream().sorted().toList();
        return String.format(Locale.ROOT, "%s ms: p50 %d  p90 %d  p99 %d  max %d  (min %d)", what, millis(rank(sorted, 50)),
                millis(rank(sorted, 90)), millis(rank(sorted, 99)), millis(sorted.get(sorted.size() - 1)), millis(sorted.get(0)));
    }

    /** The nearest-rank percentile. */
    private static long rank(List<Long> sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** The servers' and agents' output, kept in target/propagation-logs to read a failure (no values: scanned). */
    private void keepLogs() {
        if (logs == null || !Files.isDirectory(logs)) {
            return;
        }
        try (Stream<Path> files = Files.list(logs)) {
            Path kept = Files.createDirectories(Path.of("target", "propagation-logs"));
            try (Stream<Path> old = Files.list(kept)) {
                for (Path file : old.toList()) {
                    Files.delete(file); // only this run's output
                }
            }
            for (Path file : files.toList()) {
                Files.copy(file, kept.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.out.println("PropagationTest: could not keep the logs: " + e);
        }
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + e.getClass().getSimpleName() + ")";
        }
    }

    private void assertNoValueInOutput() throws IOException {
        try (Stream<Path> files = Files.list(logs)) {
            for (Path file : files.toList()) {
                String text = Files.readString(file);
                List<String> found = TestValues.issued().stream().filter(text::contains).collect(Collectors.toList());
                assertFalse(!found.isEmpty(), () -> found.size() + " test value(s) in " + file.getFileName());
            }
        }
    }
}
