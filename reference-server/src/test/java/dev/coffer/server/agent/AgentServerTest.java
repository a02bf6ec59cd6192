package dev.coffer.server.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.config.internal.Transports;
import dev.coffer.config.settings.Settings;
import dev.coffer.server.standalone.AdminBootstrap;
import dev.coffer.server.support.TestServer;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.SecretVersion;
import dev.coffer.tck.support.Await;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The long-running agent against the real standalone server (real RS256 tokens from a token file,
 * real reload commands): rotations reach the file and run the command once, revocations remove it
 * and tell the command, readers never see a partial file, a rotated token file is used, and
 * nothing shows a value. TTL 300 ms, so the safety re-render alone would do; with the change
 * stream the listener is faster still. Waits poll with a deadline; nothing asserts speed.
 */
@ExtendWith(NoValueLeaks.class)
class AgentServerTest {
    private static final AccessContext ADMIN = AccessContext.of(
            new Principal("user:admin", "default", Set.of(AdminBootstrap.ADMIN_GROUP), false, null));

    @TempDir
    Path dir;

    private final TestServer server = TestServer.start();
    private final SecretManager kernel = server.parts().manager();
    private Agent agent;
    private AgentEndpoints endpoints;

    @AfterEach
    void stop() {
        if (agent != null) {
            AgentRun.stop(agent, endpoints);
        }
        server.close();
    }

    private Path tokenFile(String subject) throws IOException {
        server.allow(Policy.allow("read-" + subject, List.of("user:" + subject), List.of("secrets:read"), List.of("*")));
        Path file = dir.resolve("token");
        Files.writeString(file, server.token(subject));
        return file;
    }

    private String create(String qualified, String value) {
        String id = kernel.create(ADMIN, NewSecret.builder(SecretPath.parse("default", qualified), "payments").build()).id();
        try (SecretValue v = SecretValue.ofUtf8(value)) {
            kernel.addVersion(ADMIN, id, NewVersion.current(v));
        }
        return id;
    }

    private void rotate(String id, String value) {
        SecretVersion added;
        try (SecretValue v = SecretValue.ofUtf8(value)) {
            added = kernel.addVersion(ADMIN, id, NewVersion.pending(v));
        }
        kernel.promote(ADMIN, id, added.number(), OptionalInt.of(added.number() - 1));
    }

    private AgentConfig config(Path token, String templates) {
        String yaml = "server: " + server.base() + "\ntoken-file: " + token + "\n"
                + "cache: {ttl: 300ms, jitter: 0, max-stale: 10m}\nlisten: 127.0.0.1:0\ntemplates:\n" + templates;
        return AgentConfigLoader.parse("agent.yaml", yaml, dir);
    }

    private Agent run(AgentConfig config) throws IOException {
        agent = Agent.start(config, Duration.ofSeconds(10));
        endpoints = AgentRun.start(agent);
        return agent;
    }

    private String counterCommand(String name) {
        return "    command: [\"sh\", \"-c\", \"echo \\\"$COFFER_EVENT $COFFER_DESTINATION\\\" >> " + dir.resolve(name) + "\"]\n";
    }

    private List<String> lines(String name) throws IOException {
        Path f = dir.resolve(name);
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return null;
        }
    }

    /** Waits until the cache has refreshed {@code n} more times: the agent re-rendered in between. */
    private void waitForRefreshes(int n) {
        long start = agent.cache().stats().refreshes();
        Await.until(n + " more refreshes", () -> agent.cache().stats().refreshes() >= start + n);
        // and a whole render pass after the last of them
        long passes = agent.passes();
        agent.requestRender();
        Await.until("a render pass", () -> agent.passes() >= passes + 2);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoints.port() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPromotedVersionChangesTheFileAndRunsTheCommandExactlyOncePerChange() throws Exception {
        String v1 = TestValues.text();
        String v2 = TestValues.text();
        String id = create("prod/payments/db-password", v1);
        Path out = dir.resolve("db.properties");
        run(config(tokenFile("agent"), "  - destination: " + out + "\n    format: properties\n    permissions: \"0640\"\n"
                + "    secrets: {db.password: prod/payments/db-password}\n" + counterCommand("runs")));
        assertEquals("db.password=" + v1 + "\n", read(out));
        assertEquals(PosixFilePermissions.fromString("rw-r-----"), Files.getPosixFilePermissions(out));
        assertEquals(List.of("rendered " + out), lines("runs"));

        waitForRefreshes(3);
        assertEquals(1, lines("runs").size(), "unchanged content runs no command");

        rotate(id, v2);
        Await.until("the rotated value in the file", () -> ("db.password=" + v2 + "\n").equals(read(out)));
        Await.until("the command ran", () -> uncheckedLines("runs").size() == 2);
        waitForRefreshes(3);
        assertEquals(List.of("rendered " + out, "rendered " + out), lines("runs"), "once per change");
        assertEquals(PosixFilePermissions.fromString("rw-r-----"), Files.getPosixFilePermissions(out), "kept on the rewrite");
        assertEquals(2, agent.metrics().renders());
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".coffer-tmp")), "no temp file left");
        }
    }

    @Test
    void aChangeTheCacheReportsIsRenderedWithoutWaitingForTheSafetyReRender() throws Exception {
        String v1 = TestValues.text();
        String v2 = TestValues.text();
        String id = create("prod/db", v1);
        Path out = dir.resolve("raw");
        // The agent's safety re-render runs every hour; only the cache's listener can explain a prompt change.
        AgentConfig config = config(tokenFile("agent"), "  - destination: " + out + "\n    format: raw\n    secret: prod/db\n"
                + counterCommand("runs")).withTtl(Duration.ofHours(1));
        Settings hourly = config.settings(Duration.ofSeconds(10));
        Settings quick = new Settings(hourly.url(), hourly.tokenFile(), hourly.tenant(), hourly.environment(), hourly.prefix(),
                hourly.mappings(), Duration.ofMillis(300), Duration.ZERO, hourly.maxStale(), hourly.ordinal(), hourly.startupTimeout(), hourly.watch());
        agent = Agent.start(config, quick, Transports.remote(quick));
        endpoints = AgentRun.start(agent);
        assertEquals(v1, read(out));
        rotate(id, v2);
        Await.until("the rotated value in the file", () -> v2.equals(read(out)));
        Await.until("the command ran", () -> uncheckedLines("runs").size() == 2);
    }

    @Test
    void aSignalGoesToThePidInThePidFileWhenTheContentChanged() throws Exception {
        String id = create("prod/db", TestValues.text());
        Path hups = dir.resolve("hups");
        Process app = new ProcessBuilder("sh", "-c", "trap 'echo hup >> " + hups + "' HUP; touch " + dir.resolve("trapped")
                + "; while true; do sleep 0.05; done").start();
        try {
            Await.until("the trap is set", () -> Files.exists(dir.resolve("trapped")));
            Path pidFile = dir.resolve("app.pid");
            Files.writeString(pidFile, app.pid() + "\n");
            Path out = dir.resolve("raw");
            run(config(tokenFile("agent"), "  - destination: " + out + "\n    format: raw\n    secret: prod/db\n"
                    + "    signal: {pid-file: " + pidFile + ", name: HUP}\n"));
            Await.until("the first HUP", () -> uncheckedLines("hups").size() == 1);
            String next = TestValues.text();
            rotate(id, next);
            Await.until("the second HUP", () -> uncheckedLines("hups").size() == 2);
            assertEquals(next, read(out));
            assertTrue(app.isAlive(), "HUP was handled, not fatal");
        } finally {
            app.destroyForcibly();
        }
    }

    private List<String> uncheckedLines(String name) {
        try {
            return lines(name);
        } catch (IOException e) {
            return List.of();
        }
    }

    @Test
    void aDisabledVersionRemovesTheFileAndTellsTheCommandThenEnablingRendersAgain() throws Exception {
        String v1 = TestValues.text();
        String id = create("prod/db", v1);
        rotate(id, TestValues.text());
        Path out = dir.resolve("db.env");
        Path emptied = dir.resolve("db.json");
        run(config(tokenFile("agent"), "  - destination: " + out + "\n    format: env\n    secrets: {DB: \"prod/db@1\"}\n"
                + counterCommand("runs")
                + "  - destination: " + emptied + "\n    format: json\n    on-revoke: empty\n    secrets: {db: \"prod/db@1\"}\n"));
        assertEquals("DB=\"" + v1 + "\"\n", read(out));
        assertTrue(agent.healthy());

        kernel.disable(ADMIN, id, 1);
        Await.until("the file removed", () -> !Files.exists(out));
        Await.until("the other emptied", () -> "".equals(read(emptied)));
        Await.until("the command told", () -> uncheckedLines("runs").size() == 2);
        assertEquals("revoked " + out, lines("runs").get(1));
        assertFalse(agent.healthy());
        HttpResponse<String> health = get("/health");
        assertEquals(503, health.statusCode());
        assertTrue(health.body().contains("\"state\":\"revoked\"") && health.body().contains("prod/db@1 VERSION_DISABLED"), health.body());

        kernel.enable(ADMIN, id, 1);
        Await.until("the file back", () -> ("DB=\"" + v1 + "\"\n").equals(read(out)));
        Await.until("the command told", () -> uncheckedLines("runs").size() == 3);
        assertEquals("rendered " + out, lines("runs").get(2));
        Await.until("healthy again", agent::healthy);
        assertEquals(200, get("/health").statusCode());
    }

    @Test
    void aReaderLoopNeverSeesAPartialFile() throws Exception {
        String first = TestValues.text();
        String id = create("prod/db", first);
        Path out = dir.resolve("config.yaml");
        run(config(tokenFile("agent"), "  - destination: " + out + "\n    template: \"password: {{pw}}\\nend\\n\"\n"
                + "    secrets: {pw: prod/db}\n"));
        Set<String> written = ConcurrentHashMap.newKeySet();
        written.add("password: " + first + "\nend\n");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        AtomicReference<String> bad = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                try {
                    String seen = Files.readString(out);
                    reads.incrementAndGet();
                    // A version is added to the set before it is promoted, so any content seen is in it.
                    if (!written.contains(seen)) {
                        bad.compareAndSet(null, seen.isEmpty() ? "an empty file" : "content of " + seen.length() + " chars not written whole");
                    }
                } catch (NoSuchFileException e) {
                    bad.compareAndSet(null, "no file");
                } catch (IOException e) {
                    bad.compareAndSet(null, e.getClass().getSimpleName());
                }
            }
        }, "reader");
        reader.start();
        try {
            for (int i = 0; i < 5; i++) {
                String next = TestValues.text() + "-" + "x".repeat(i * 1000);
                String content = "password: " + next + "\nend\n";
                written.add(content);
                rotate(id, next);
                Await.until("version " + (i + 2) + " in the file", () -> content.equals(read(out)));
            }
        } finally {
            stop.set(true);
            reader.join();
        }
        assertNull(bad.get(), bad.get());
        assertTrue(reads.get() > 0);
    }

    @Test
    void aRotatedTokenFileIsUsedForTheNextRequests() throws Exception {
        String value = TestValues.text();
        create("prod/db", value);
        Path token = tokenFile("agent");
        Path out = dir.resolve("raw");
        run(config(token, "  - destination: " + out + "\n    format: raw\n    secret: prod/db\n"));
        assertEquals(value, read(out));

        // A token for an identity without access: the next refresh uses it and is refused.
        Path next = dir.resolve("token.next");
        Files.writeString(next, server.token("stranger"));
        Files.move(next, token, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        // The agent removes the file, then records why: wait for both (the second came late once in CI).
        Await.until("the file removed and the denial recorded", () -> !Files.exists(out)
                && agent.statuses().get(0).reason() != null);
        assertTrue(agent.statuses().get(0).reason().contains("ACCESS_DENIED"), agent.statuses().toString());

        // The agent's own token again: served again.
        Files.writeString(next, server.token("agent"));
        Files.move(next, token, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Await.until("the file back", () -> value.equals(read(out)));
    }

    @Test
    void healthAndMetricsNameDestinationsAndCountsButNoValue() throws Exception {
        String value = TestValues.text();
        create("prod/db", value);
        Path out = dir.resolve("db.json");
        run(config(tokenFile("agent"), "  - destination: " + out + "\n    format: json\n    secrets: {password: prod/db}\n"
                + "    command: [\"true\"]\n"));
        HttpResponse<String> health = get("/health");
        assertEquals(200, health.statusCode());
        assertEquals("{\"status\":\"UP\",\"templates\":[{\"destination\":\"" + out + "\",\"state\":\"rendered\"}]}", health.body());
        HttpResponse<String> metrics = get("/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("coffer_agent_renders_total 1.0"), metrics.body());
        assertTrue(metrics.body().contains("coffer_agent_command_runs_total 1.0"), metrics.body());
        assertTrue(metrics.body().contains("coffer_agent_command_failures_total 0.0"), metrics.body());
        assertTrue(metrics.body().contains("coffer_agent_templates{state=\"rendered\"} 1.0"), metrics.body());
        assertTrue(metrics.body().contains("coffer_agent_cache_misses_total 1.0"), metrics.body());
        assertTrue(metrics.body().contains("coffer_agent_cache_change_events_total"), metrics.body());
        assertTrue(metrics.body().contains("coffer_agent_cache_stream_reconnects_total"), metrics.body());
        assertEquals(405, HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoints.port()
                + "/health")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertNull(NoValueLeaks.firstIssuedValueIn(health.body() + metrics.body()));
    }

    @Test
    void aFailingCommandIsCountedWithItsExitCodeOnly() throws Exception {
        create("prod/db", TestValues.text());
        Path out = dir.resolve("raw");
        run(config(tokenFile("agent"), "  - destination: " + out + "\n    format: raw\n    secret: prod/db\n"
                + "    command: [\"sh\", \"-c\", \"cat " + out + "; exit 3\"]\n"));
        assertTrue(get("/metrics").body().contains("coffer_agent_command_failures_total 1.0"));
    }

    @Test
    void aCommandThatOutlivesItsTimeoutIsKilled() throws Exception {
        create("prod/db", TestValues.text());
        Path out = dir.resolve("raw");
        run(config(tokenFile("agent"), "  - destination: " + out + "\n    format: raw\n    secret: prod/db\n"
                + "    command: [\"sh\", \"-c\", \"echo $$ > " + dir.resolve("pid") + "; exec sleep 60\"]\n    command-timeout: 200ms\n"));
        assertTrue(get("/metrics").body().contains("coffer_agent_command_failures_total 1.0"));
        long pid = Long.parseLong(Files.readString(dir.resolve("pid")).trim());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the command was killed");
    }

    @Test
    void aMissingSecretFailsTheStartNamingTheDestinationAndThePathAndWritesNothing() throws Exception {
        create("prod/present", TestValues.text());
        Path ok = dir.resolve("ok");
        Path bad = dir.resolve("bad");
        AgentConfig config = config(tokenFile("agent"), "  - destination: " + ok + "\n    format: raw\n    secret: prod/present\n"
                + "  - destination: " + bad + "\n    format: env\n    secrets: {A: prod/present, B: prod/payments/absent}\n");
        AgentStartException e = assertThrows(AgentStartException.class, () -> Agent.start(config, Duration.ofSeconds(10)));
        assertEquals(ErrorCode.SECRET_NOT_FOUND, e.code());
        assertEquals("template " + bad + ": secret prod/payments/absent#current cannot be read (SECRET_NOT_FOUND)", e.getMessage());
        assertFalse(Files.exists(ok));
        assertFalse(Files.exists(bad));
    }
}
