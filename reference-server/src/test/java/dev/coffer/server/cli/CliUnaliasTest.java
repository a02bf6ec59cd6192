package dev.coffer.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.support.TestServer;
import dev.coffer.tck.support.TestValues;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
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
 * {@code coffer secret unalias}, run in-process against the real standalone server: removal by
 * compare-and-set, the errors as exit codes, and no value in anything printed.
 */
class CliUnaliasTest {
    private static TestServer server;
    private static Path adminTokenFile;
    private final List<String> values = new ArrayList<>();
    private final List<String> printed = new ArrayList<>();

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start();
        adminTokenFile = dir.resolve("admin.token");
        Files.writeString(adminTokenFile, server.adminToken);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void noValueWasPrinted() {
        for (String value : values) {
            for (String text : printed) {
                assertFalse(text.contains(value), "a value was printed");
            }
        }
    }

    @Test
    void unaliasWithTheExpectedVersionRemovesNextAndPrintsTheAliasesLeft() {
        String id = pendingUnderNext("prod/unalias/next");

        CliRun run = ok(cli("secret", "unalias", "prod/unalias/next", "next", "--expected", "2"));

        assertTrue(run.out().startsWith("removed next from prod/unalias/next"), run.out());
        assertFalse(aliases(id).containsKey("next"), aliases(id).toString());
        assertEquals(1, aliases(id).getInt("current"));
    }

    @Test
    void unaliasWithoutExpectedRemovesANamedAliasWhereverItPointsAndAnswersJson() {
        String id = pendingUnderNext("prod/unalias/blue");
        ok(cli("secret", "alias", "prod/unalias/blue", "blue", "1", "--expected", "none"));

        CliRun run = ok(cli("secret", "unalias", id, "blue", "-o", "json"));

        JsonObject printedAliases = json(run.out()).getJsonObject("aliases");
        assertFalse(printedAliases.containsKey("blue"), run.out());
        assertEquals(2, printedAliases.getInt("next"), run.out());
        assertFalse(aliases(id).containsKey("blue"));
    }

    @Test
    void refusedUnaliasesExitWithTheirCodesAndChangeNothing() {
        String id = pendingUnderNext("prod/unalias/refused");

        CliRun stale = cli("secret", "unalias", "prod/unalias/refused", "next", "--expected", "1");
        assertEquals(ExitCodes.CONFLICT, stale.exit(), stale.toString());
        assertTrue(stale.err().contains("VERSION_CONFLICT"), stale.err());
        CliRun unset = cli("secret", "unalias", "prod/unalias/refused", "canary");
        assertEquals(ExitCodes.NOT_FOUND, unset.exit(), unset.toString());
        assertTrue(unset.err().contains("ALIAS_NOT_FOUND"), unset.err());
        CliRun current = cli("secret", "unalias", "prod/unalias/refused", "current");
        assertEquals(ExitCodes.INVALID, current.exit(), current.toString());
        assertTrue(current.err().contains("INVALID_ARGUMENT"), current.err());
        CliRun badName = cli("secret", "unalias", "prod/unalias/refused", "Next");
        assertEquals(ExitCodes.INVALID, badName.exit(), badName.toString());
        CliRun notANumber = cli("secret", "unalias", "prod/unalias/refused", "next", "--expected", "none");
        assertEquals(ExitCodes.USAGE, notANumber.exit(), notANumber.toString());

        assertEquals(2, aliases(id).getInt("next"), () -> "refused unaliases leave next on 2: " + aliases(id));
    }

    /** Current 1 and version 2 pending under next. */
    private String pendingUnderNext(String name) {
        String id = server.create(name.substring(0, name.indexOf('/')), name.substring(name.indexOf('/') + 1));
        ok(withStdin(value(), "secret", "put", name));
        ok(withStdin(value(), "secret", "put", name, "--pending"));
        ok(cli("secret", "alias", name, "next", "2", "--expected", "none"));
        return id;
    }

    private CliRun cli(String... args) {
        return withStdin(null, args);
    }

    private CliRun withStdin(String stdin, String... args) {
        CliRun run = CliRun.run(Map.of(ClientOptions.ENV_URL, server.base().toString(),
                ClientOptions.ENV_TOKEN_FILE, adminTokenFile.toString()), stdin, args);
        printed.add(run.out());
        printed.add(run.err());
        return run;
    }

    private static CliRun ok(CliRun run) {
        assertEquals(ExitCodes.OK, run.exit(), run.toString());
        return run;
    }

    private String value() {
        String v = TestValues.text();
        values.add(v);
        return v;
    }

    private static JsonObject aliases(String id) {
        return server.get("v1/secrets/" + id).json().getJsonObject("aliases");
    }

    private static JsonObject json(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }
}
