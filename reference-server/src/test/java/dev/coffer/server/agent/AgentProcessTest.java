package dev.coffer.server.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.cli.Coffer;
import dev.coffer.server.support.TestServer;
import dev.coffer.spi.access.Policy;
import dev.coffer.tck.support.Await;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coffer agent} as a process of its own (the test JVM's class path, the CLI's main class):
 * it renders, serves /health on the port it prints, and SIGTERM stops it through its shutdown hook.
 */
class AgentProcessTest {
    private static final Pattern LISTENING = Pattern.compile("/health and /metrics on (http://\\S+)");

    @TempDir
    Path dir;

    @Test
    void aLongRunningAgentRendersServesHealthAndStopsCleanlyOnSigterm() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.allow(Policy.allow("read-agent", List.of("user:agent"), List.of("secrets:read"), List.of("*")));
            Path token = dir.resolve("token");
            Files.writeString(token, server.token("agent"));
            String value = TestValues.text();
            String id = server.create("prod", "db");
            assertEquals(201, server.put(id, value, "CURRENT").status());
            Path out = dir.resolve("db.env");
            Path config = dir.resolve("agent.yaml");
            Files.writeString(config, "server: " + server.base() + "\ntoken-file: " + token + "\nlisten: 127.0.0.1:0\n"
                    + "templates:\n  - destination: " + out + "\n    format: env\n    secrets: {DB: prod/db}\n");
            Path stdout = dir.resolve("agent.out");
            Path stderr = dir.resolve("agent.err");
            Process agent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Coffer.class.getName(),
                    "agent", "--config", config.toString())
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            try {
                Await.until("the file", () -> Files.exists(out));
                assertEquals("DB=\"" + value + "\"\n", Files.readString(out));
                Await.until("the endpoint printed", () -> LISTENING.matcher(read(stderr)).find());
                Matcher m = LISTENING.matcher(read(stderr));
                assertTrue(m.find());
                HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(m.group(1) + "health"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, health.statusCode(), health.body());

                agent.destroy(); // SIGTERM
                assertTrue(agent.waitFor(30, TimeUnit.SECONDS), "the agent stopped");
                assertTrue(read(stderr).contains("coffer agent: stopped"), read(stderr));
                assertEquals("DB=\"" + value + "\"\n", Files.readString(out), "the file stays");
                assertNull(NoValueLeaks.firstIssuedValueIn(read(stdout) + read(stderr) + health.body()));
            } finally {
                agent.destroyForcibly();
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
