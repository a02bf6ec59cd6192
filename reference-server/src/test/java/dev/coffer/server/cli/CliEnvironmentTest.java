package dev.coffer.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.config.settings.Bootstrap;
import dev.coffer.config.settings.Settings;
import dev.coffer.server.support.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI and the ConfigSource read disjoint environment variables: an operator's exported CLI
 * settings (the Quickstart's admin token) never configure an application started from that shell,
 * and the ConfigSource's variables never steer the CLI.
 */
class CliEnvironmentTest {
    private static TestServer server;
    private static Path adminTokenFile;

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

    /** The application's own settings, as in its microprofile-config.properties. */
    private static final Map<String, String> APP_FILE = Map.of(
            "coffer.url", "http://coffer.internal:8480/",
            "coffer.token-file", "/var/run/secrets/coffer/token",
            "coffer.map.db.password", "prod/payments/db-password");

    private static Settings configSourceSettings(Map<String, String> env) {
        return Settings.from(new Bootstrap(Map.of(), env, List.of(APP_FILE)));
    }

    @Test
    void theCliVariablesDoNotChangeWhatTheConfigSourceUses() {
        Settings own = configSourceSettings(Map.of());
        Map<String, String> shell = new HashMap<>();
        for (String name : ClientOptions.ENV_NAMES) {
            shell.put(name, name.endsWith("URL") ? "http://127.0.0.1:8480" : adminTokenFile.toString());
        }
        assertEquals(own, configSourceSettings(shell), "the CLI's exported variables leave the application's settings alone");
        assertEquals(Path.of("/var/run/secrets/coffer/token"), configSourceSettings(shell).tokenFile());
    }

    @Test
    void theConfigSourceNamesWouldHaveOverriddenTheApplication() {
        // Why the CLI may not use them: environment variables (300) outrank the application's file (100).
        Settings overridden = configSourceSettings(Map.of("COFFER_TOKEN_FILE", adminTokenFile.toString()));
        assertNotEquals(configSourceSettings(Map.of()), overridden);
        assertEquals(adminTokenFile, overridden.tokenFile());
        for (String name : ClientOptions.ENV_NAMES) {
            assertTrue(name.startsWith("COFFER_CLI_"), name);
        }
    }

    @Test
    void theCliReadsItsOwnVariables() {
        server.create("prod", "env/own");
        CliRun run = CliRun.run(Map.of(ClientOptions.ENV_URL, server.base().toString(),
                ClientOptions.ENV_TOKEN_FILE, adminTokenFile.toString()), null, "secret", "describe", "prod/env/own");
        assertEquals(ExitCodes.OK, run.exit(), run.toString());
        CliRun withToken = CliRun.run(Map.of(ClientOptions.ENV_URL, server.base().toString(),
                ClientOptions.ENV_TOKEN, server.adminToken), null, "secret", "describe", "prod/env/own");
        assertEquals(ExitCodes.OK, withToken.exit(), withToken.toString());
    }

    @Test
    void theCliIgnoresTheConfigSourceTokenFileAndSaysWhatToRename() {
        CliRun run = CliRun.run(Map.of(ClientOptions.ENV_URL, server.base().toString(),
                "COFFER_TOKEN_FILE", adminTokenFile.toString()), null, "secret", "list");
        assertEquals(ExitCodes.UNAUTHENTICATED, run.exit(), run.toString());
        assertTrue(run.err().contains("COFFER_TOKEN_FILE is set but not read by the CLI") && run.err().contains("rename it COFFER_CLI_TOKEN_FILE"),
                run.err());
        CliRun token = CliRun.run(Map.of(ClientOptions.ENV_URL, server.base().toString(), "COFFER_TOKEN", server.adminToken), null,
                "secret", "list");
        assertEquals(ExitCodes.UNAUTHENTICATED, token.exit(), token.toString());
        assertTrue(token.err().contains("rename it COFFER_CLI_TOKEN"), token.err());
        assertTrue(!token.err().contains(server.adminToken), "the token is never printed");
    }

    @Test
    void theCliIgnoresTheConfigSourceUrlAndWarns() throws IOException {
        try (RecordingServer elsewhere = new RecordingServer()) {
            CliRun run = CliRun.run(Map.of("COFFER_URL", elsewhere.url(), ClientOptions.ENV_TOKEN, "t"), null,
                    "secret", "get", "prod/db/password", "--url", server.base().toString());
            assertEquals(List.of(), elsewhere.requests(), "--url wins; COFFER_URL is not the CLI's");
            assertEquals(ExitCodes.UNAUTHENTICATED, run.exit(), run.toString());
            CliRun fallback = CliRun.run(Map.of("COFFER_URL", elsewhere.url(), ClientOptions.ENV_TOKEN, "t"), null,
                    "secret", "get", "prod/db/password");
            assertEquals(List.of(), elsewhere.requests(), "COFFER_URL alone does not steer the CLI");
            assertTrue(fallback.err().contains("warning: COFFER_URL is not read by the CLI") && fallback.err().contains("COFFER_CLI_URL"),
                    fallback.err());
        }
    }
}
