package dev.coffer.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.support.TestServer;
import dev.coffer.spi.access.Policy;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code coffer agent --once} in-process against the real server: the init-container contract. */
@ExtendWith(NoValueLeaks.class)
class AgentCliTest {
    @TempDir
    Path dir;

    private TestServer server;
    private Path token;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start();
        server.allow(Policy.allow("read-agent", List.of("user:agent"), List.of("secrets:read"), List.of("*")));
        token = dir.resolve("token");
        Files.writeString(token, server.token("agent"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void put(String qualified, String value) {
        String[] parts = qualified.split("/", 2);
        String id = server.create(parts[0], parts[1]);
        if (server.put(id, value, "CURRENT").status() != 201) {
            throw new AssertionError("put failed");
        }
    }

    private Path config(String templates) throws IOException {
        Path file = dir.resolve("agent.yaml");
        Files.writeString(file, "server: " + server.base() + "\ntoken-file: " + token + "\ntemplates:\n" + templates);
        return file;
    }

    private List<Path> written() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("out"))) {
            return files.toList();
        }
    }

    @Test
    void onceRendersEveryTemplateAndExitsZero() throws IOException {
        String password = TestValues.text();
        String user = TestValues.text();
        put("prod/payments/db-password", password);
        put("prod/payments/db-user", user);
        Path out = Files.createDirectory(dir.resolve("out"));
        CliRun run = CliRun.run(Map.of(), null, "agent", "--config", config(
                "  - destination: " + out.resolve("db.env") + "\n    format: env\n"
                + "    secrets: {DB_PASSWORD: prod/payments/db-password, DB_USER: \"prod/payments/db-user#current\"}\n"
                + "  - destination: " + out.resolve("config.yaml") + "\n    permissions: \"0640\"\n"
                + "    template: \"user: {{user}}\\npassword: {{password}}\\n\"\n"
                + "    secrets: {user: prod/payments/db-user, password: \"prod/payments/db-password@1\"}\n").toString(), "--once");
        assertEquals(ExitCodes.OK, run.exit(), run.toString());
        assertEquals("DB_PASSWORD=\"" + password + "\"\nDB_USER=\"" + user + "\"\n", Files.readString(out.resolve("db.env")));
        assertEquals("user: " + user + "\npassword: " + password + "\n", Files.readString(out.resolve("config.yaml")));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(out.resolve("db.env")));
        assertEquals(PosixFilePermissions.fromString("rw-r-----"), Files.getPosixFilePermissions(out.resolve("config.yaml")));
        assertEquals(2, written().size(), "no temp file left");
        assertNull(NoValueLeaks.firstIssuedValueIn(run.out() + run.err()));
    }

    @Test
    void onceWithAMissingSecretExitsNotFoundNamingTheDestinationAndPathAndLeavesNothing() throws IOException {
        put("prod/present", TestValues.text());
        Path out = Files.createDirectory(dir.resolve("out"));
        CliRun run = CliRun.run(Map.of(), null, "agent", "--config", config(
                "  - destination: " + out.resolve("ok") + "\n    format: raw\n    secret: prod/present\n"
                + "  - destination: " + out.resolve("db.json") + "\n    format: json\n"
                + "    secrets: {password: prod/payments/db-password}\n").toString(), "--once", "--deadline", "30s");
        assertEquals(ExitCodes.NOT_FOUND, run.exit(), run.toString());
        assertTrue(run.err().contains("coffer: agent: template " + out.resolve("db.json")
                + ": secret prod/payments/db-password#current cannot be read (SECRET_NOT_FOUND)"), run.err());
        assertEquals(List.of(), written());
        assertNull(NoValueLeaks.firstIssuedValueIn(run.out() + run.err()));
    }

    @Test
    void onceAgainstAStoppedServerRetriesUntilTheDeadlineThenExitsUnavailable() throws IOException {
        Path out = Files.createDirectory(dir.resolve("out"));
        Path config = config("  - destination: " + out.resolve("raw") + "\n    format: raw\n    secret: prod/db\n");
        server.close();
        CliRun run = CliRun.run(Map.of(), null, "agent", "--config", config.toString(), "--once", "--deadline", "1s");
        assertEquals(ExitCodes.UNAVAILABLE, run.exit(), run.toString());
        assertTrue(run.err().contains("template " + out.resolve("raw") + ": secret prod/db#current cannot be read (STORE_UNAVAILABLE)"), run.err());
        assertEquals(List.of(), written());
    }

    @Test
    void aConfigErrorExitsInvalidNamingTheKey() throws IOException {
        CliRun run = CliRun.run(Map.of(), null, "agent", "--config", config(
                "  - destination: /tmp/x\n    format: raw\n    secret: prod/db\n    on-revok: remove\n").toString(), "--once");
        assertEquals(ExitCodes.INVALID, run.exit(), run.toString());
        assertTrue(run.err().contains("agent.yaml: templates[0].on-revok: is not a known key"), run.err());
    }

    @Test
    void aMissingConfigFileIsNamed() {
        CliRun run = CliRun.run(Map.of(), null, "agent", "--config", dir.resolve("nosuch.yaml").toString(), "--once");
        assertEquals(ExitCodes.INVALID, run.exit(), run.toString());
        assertTrue(run.err().contains("nosuch.yaml") && run.err().contains("cannot be read"), run.err());
        assertFalse(run.err().contains("Exception:"), run.err());
    }
}
