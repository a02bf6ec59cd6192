package dev.coffer.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.support.TestServer;
import dev.coffer.spi.access.Policy;
import dev.coffer.tck.support.ScriptedRotator;
import dev.coffer.tck.support.TestValues;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coffer rotation set|show|run|cancel|rollback|list}, in-process against the real standalone
 * server: text and JSON output, secrets named by path or id, and one-line errors with the exit code
 * of their problem. Nothing printed holds a value.
 */
class RotationCliTest {
    private static TestServer server;
    private static Path adminTokenFile;
    private static Path readerTokenFile;
    private final List<String> printed = new ArrayList<>();

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start();
        server.allow(Policy.allow("cli-readers", List.of("group:readers"), List.of("secrets:read"), List.of("prod/*")));
        adminTokenFile = dir.resolve("admin.token");
        Files.writeString(adminTokenFile, server.adminToken);
        readerTokenFile = dir.resolve("reader.token");
        Files.writeString(readerTokenFile, server.token("rita", "readers"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void noValueWasPrinted() {
        for (String value : TestValues.issued()) {
            for (String text : printed) {
                assertFalse(text.contains(value), "a value was printed");
            }
        }
    }

    private CliRun cli(String... args) {
        return as(adminTokenFile, args);
    }

    private CliRun as(Path tokenFile, String... args) {
        CliRun run = CliRun.run(Map.of(ClientOptions.ENV_URL, server.base().toString(), ClientOptions.ENV_TOKEN_FILE, tokenFile.toString()),
                null, args);
        printed.add(run.out());
        printed.add(run.err());
        return run;
    }

    private static JsonObject json(CliRun run) {
        return Json.createReader(new StringReader(run.out())).readObject();
    }

    private String secret(String path) {
        String id = server.create("prod", path);
        String first = TestValues.text();
        assertEquals(201, server.put(id, first, "CURRENT").status());
        server.scriptedRotator().accept(first);
        return id;
    }

    @Test
    void setShowRunAndRollBackByPathInTextAndJson() {
        String id = secret("cli/rotated");
        CliRun set = cli("rotation", "set", "prod/cli/rotated", "--rotator", ScriptedRotator.NAME, "--schedule", "30d",
                "--window", "2h", "--overlap", "1d", "--param", "mode=fast", "--max-attempts", "3");
        assertEquals(ExitCodes.OK, set.exit(), set.toString());
        assertTrue(set.out().contains("rotation policy of prod/cli/rotated saved"), set.out());
        assertTrue(set.out().contains("Window:        2h   overlap 1d   canary none   max attempts 3"), set.out());
        assertTrue(set.out().contains("Params:        mode=fast"), set.out());

        CliRun show = cli("rotation", "show", id, "-o", "json");
        assertEquals(ExitCodes.OK, show.exit(), show.toString());
        assertEquals("PT2H", json(show).getJsonObject("policy").getString("window"));

        CliRun run = cli("rotation", "run", "prod/cli/rotated");
        assertEquals(ExitCodes.OK, run.exit(), run.toString());
        assertTrue(run.out().matches("(?s)rotation rot_[a-z2-7]+ STARTED \\(next: create\\).*"), run.out());
        server.rotationEngine().runDue(10);
        CliRun after = cli("rotation", "show", "prod/cli/rotated");
        assertTrue(after.out().contains("Open run:      none"), after.out());
        assertTrue(after.out().contains(" FINISHED, ended "), after.out());

        CliRun rollback = cli("rotation", "rollback", "prod/cli/rotated");
        assertEquals(ExitCodes.OK, rollback.exit(), rollback.toString());
        assertTrue(rollback.out().contains("current -> 1"), rollback.out());
    }

    @Test
    void aTestOnlyRunAndACancelAreAccepted() {
        secret("cli/test-only");
        assertEquals(ExitCodes.OK, cli("rotation", "set", "prod/cli/test-only", "--rotator", ScriptedRotator.NAME, "--schedule", "30d").exit());
        CliRun run = cli("rotation", "run", "prod/cli/test-only", "--test-only", "-o", "json");
        assertEquals(ExitCodes.OK, run.exit(), run.toString());
        assertTrue(json(run).getBoolean("testOnly"));
        CliRun cancel = cli("rotation", "cancel", "prod/cli/test-only");
        assertEquals(ExitCodes.OK, cancel.exit(), cancel.toString());
        assertTrue(cancel.out().startsWith("cancel requested: rot_"), cancel.out());
        server.rotationEngine().runDue(10);
        CliRun again = cli("rotation", "cancel", "prod/cli/test-only");
        assertEquals(ExitCodes.CONFLICT, again.exit(), again.toString());
        assertTrue(again.err().startsWith("coffer: ROTATION_NOT_RUNNING: "), again.err());
        assertTrue(again.err().contains("request "), "the request id is printed: " + again.err());
    }

    @Test
    void listShowsATableAndFiltersByState() {
        secret("cli/listed");
        assertEquals(ExitCodes.OK, cli("rotation", "set", "prod/cli/listed", "--rotator", "generated", "--schedule", "0 3 * * 1",
                "--disabled").exit());
        CliRun list = cli("rotation", "list");
        assertEquals(ExitCodes.OK, list.exit(), list.toString());
        assertTrue(list.out().startsWith("SECRET"), list.out());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("prod/cli/listed") && l.contains("generated") && l.contains("0 3 * * 1")),
                list.out());
        CliRun failed = cli("rotation", "list", "--state", "failed", "-o", "json");
        assertEquals(ExitCodes.OK, failed.exit(), failed.toString());
        assertTrue(json(failed).getJsonArray("items").stream()
                .noneMatch(v -> v.asJsonObject().getString("path").equals("cli/listed")), failed.out());
        assertEquals(ExitCodes.OK, cli("rotation", "list", "--overdue").exit());
        CliRun bad = cli("rotation", "list", "--state", "DONE");
        assertEquals(ExitCodes.USAGE, bad.exit(), bad.toString());
    }

    @Test
    void errorsAreOneLineWithTheExitCodeOfTheirProblem() {
        secret("cli/errors");
        CliRun unknown = cli("rotation", "set", "prod/cli/errors", "--rotator", "nosuch", "--schedule", "30d");
        assertEquals(ExitCodes.INVALID, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().startsWith("coffer: INVALID_ROTATION_POLICY: unknown rotator 'nosuch'"), unknown.err());
        assertEquals(1, unknown.err().strip().lines().count(), unknown.err());
        CliRun schedule = cli("rotation", "set", "prod/cli/errors", "--rotator", "generated", "--schedule", "sometimes");
        assertEquals(ExitCodes.INVALID, schedule.exit(), schedule.toString());
        CliRun none = cli("rotation", "show", "prod/cli/errors");
        assertEquals(ExitCodes.NOT_FOUND, none.exit(), none.toString());
        assertTrue(none.err().startsWith("coffer: ROTATION_NOT_CONFIGURED: "), none.err());
        CliRun denied = as(readerTokenFile, "rotation", "set", "prod/cli/errors", "--rotator", "generated", "--schedule", "30d");
        assertEquals(ExitCodes.DENIED, denied.exit(), denied.toString());
        CliRun param = cli("rotation", "set", "prod/cli/errors", "--rotator", "generated", "--schedule", "30d", "--param", "length");
        assertEquals(ExitCodes.USAGE, param.exit(), param.toString());
        CliRun missing = cli("rotation", "set", "prod/cli/errors", "--schedule", "30d");
        assertEquals(ExitCodes.USAGE, missing.exit(), missing.toString());
    }
}
