package dev.coffer.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.support.TestServer;
import dev.coffer.tck.support.TestValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code coffer} client commands run in-process ({@link CliRun}) against the real standalone
 * server ({@link TestServer}, real HTTP and RS256 tokens), or against a {@link RecordingServer}
 * where a test must show that nothing was sent.
 */
class CofferCliTest {
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

    private static Map<String, String> cliEnv() {
        return Map.of(ClientOptions.ENV_URL, server.base().toString(), ClientOptions.ENV_TOKEN_FILE, adminTokenFile.toString());
    }

    private static CliRun cli(String stdin, String... args) {
        return CliRun.run(cliEnv(), stdin, args);
    }

    private static int versionCount(String id) {
        return server.get("v1/secrets/" + id + "/versions").json().getJsonArray("items").size();
    }

    // ---- item 24: an empty value is refused unless --allow-empty

    @Test
    void putRefusesEmptyStandardInputAndStoresNothing() {
        String id = server.create("prod", "empty/stdin");
        for (String stdin : new String[] {"", "\n", "\r\n"}) {
            CliRun put = cli(stdin, "secret", "put", "prod/empty/stdin");
            assertEquals(ExitCodes.INVALID, put.exit(), put.toString());
            assertTrue(put.err().contains("INVALID_ARGUMENT") && put.err().contains("--allow-empty"), put.err());
        }
        assertEquals(0, versionCount(id), "no version was created");
    }

    @Test
    void putRefusesAnEmptyFile() throws IOException {
        String id = server.create("prod", "empty/file");
        Path empty = Files.createFile(dir.resolve("empty.value"));
        CliRun put = cli(null, "secret", "put", "prod/empty/file", "--file", empty.toString());
        assertEquals(ExitCodes.INVALID, put.exit(), put.toString());
        assertTrue(put.err().contains("is empty"), put.err());
        assertEquals(0, versionCount(id));
    }

    @Test
    void putWithAllowEmptyStoresAnEmptyCurrentVersion() {
        server.create("prod", "empty/allowed");
        CliRun put = cli("", "secret", "put", "prod/empty/allowed", "--allow-empty");
        assertEquals(ExitCodes.OK, put.exit(), put.toString());
        assertTrue(put.out().contains("version 1 CURRENT"), put.out());
        CliRun get = cli(null, "secret", "get", "prod/empty/allowed");
        assertEquals(ExitCodes.OK, get.exit(), get.toString());
        assertEquals("", get.out());
    }

    @Test
    void putOfANonEmptyValueStillWorks() {
        server.create("prod", "plain/value");
        String value = TestValues.text();
        assertEquals(ExitCodes.OK, cli(value + "\n", "secret", "put", "prod/plain/value").exit());
        CliRun get = cli(null, "secret", "get", "prod/plain/value");
        assertEquals(value, get.out());
        assertFalse(get.err().contains(value));
    }

    // ---- item 25: paths are validated like create does, before any request, and sent as written

    @Test
    void namesBreakingThePathRulesAreRefusedBeforeAnyRequest() throws IOException {
        try (RecordingServer recorder = new RecordingServer()) {
            Map<String, String> env = Map.of(ClientOptions.ENV_URL, recorder.url(), ClientOptions.ENV_TOKEN, "t");
            List<List<String>> cases = List.of(
                    List.of("secret", "get", "prod/../etc/passwd"),
                    List.of("secret", "get", "prod/db/../../v1/policies"),
                    List.of("secret", "get", "prod/./db/password"),
                    List.of("secret", "get", "prod/db//password"),
                    List.of("secret", "get", "prod/"),
                    List.of("secret", "get", "Prod/db/password"),
                    List.of("secret", "get", "prod/db/pass word"),
                    List.of("secret", "get", "prod/db/%2e%2e"),
                    List.of("secret", "describe", "prod/../etc/passwd"),
                    List.of("secret", "versions", "Prod/db"),
                    List.of("secret", "disable", "prod/a/..", "1"),
                    List.of("secret", "create", "prod/../x", "--owner-team", "t"),
                    List.of("audit", "query", "prod/../x"));
            for (List<String> args : cases) {
                CliRun run = CliRun.run(env, null, args.toArray(String[]::new));
                assertEquals(ExitCodes.INVALID, run.exit(), args + ": " + run);
                assertTrue(run.err().contains("coffer: INVALID_PATH: "), args + ": " + run.err());
            }
            CliRun put = CliRun.run(env, "a value", "secret", "put", "prod/../etc/passwd");
            assertEquals(ExitCodes.INVALID, put.exit(), put.toString());
            assertTrue(put.err().contains("INVALID_PATH"), put.err());
            assertEquals(List.of(), recorder.requests(), "nothing reached the server");
        }
    }

    @Test
    void theErrorNamesTheRule() {
        CliRun dots = cli(null, "secret", "get", "prod/../etc/passwd");
        assertTrue(dots.err().contains("'..'") && dots.err().contains("segment"), dots.err());
        CliRun upper = cli(null, "secret", "get", "Prod/db/password");
        assertTrue(upper.err().contains("must match [a-z][a-z0-9-]{0,62}"), upper.err());
    }

    @Test
    void idsThatCouldChangeTheRouteAreRefusedBeforeAnyRequest() throws IOException {
        try (RecordingServer recorder = new RecordingServer()) {
            Map<String, String> env = Map.of(ClientOptions.ENV_URL, recorder.url(), ClientOptions.ENV_TOKEN, "t");
            for (String id : List.of("sec_/../../v1/policies", "sec_abc/..", "sec_", "sec_a%2fb")) {
                CliRun run = CliRun.run(env, null, "secret", "describe", id);
                assertEquals(ExitCodes.INVALID, run.exit(), id + ": " + run);
                assertTrue(run.err().contains("INVALID_ARGUMENT"), run.err());
            }
            assertEquals(List.of(), recorder.requests());
        }
    }

    @Test
    void aliasNamesAreCheckedBeforeAnyRequest() throws IOException {
        try (RecordingServer recorder = new RecordingServer()) {
            Map<String, String> env = Map.of(ClientOptions.ENV_URL, recorder.url(), ClientOptions.ENV_TOKEN, "t");
            for (String alias : List.of("..", ".", "Current", "a/b")) {
                CliRun run = CliRun.run(env, null, "secret", "alias", "prod/db/password", alias, "2", "--expected", "none");
                assertEquals(ExitCodes.INVALID, run.exit(), alias + ": " + run);
                assertTrue(run.err().contains("INVALID_ARGUMENT: alias"), run.err());
            }
            assertEquals(List.of(), recorder.requests());
        }
    }

    @Test
    void policyNamesThatCouldChangeTheRouteAreRefusedBeforeAnyRequest() throws IOException {
        try (RecordingServer recorder = new RecordingServer()) {
            Map<String, String> env = Map.of(ClientOptions.ENV_URL, recorder.url(), ClientOptions.ENV_TOKEN, "t");
            for (List<String> args : List.of(List.of("policy", "get", ".."), List.of("policy", "delete", "."),
                    List.of("policy", "get", "a/../b"), List.of("policy", "delete", "x%2fy"))) {
                CliRun run = CliRun.run(env, null, args.toArray(String[]::new));
                assertEquals(ExitCodes.INVALID, run.exit(), args + ": " + run);
                assertTrue(run.err().contains("INVALID_POLICY: policy names must match"), run.err());
            }
            assertEquals(List.of(), recorder.requests());
        }
    }

    @Test
    void validNamesStillReachTheServer() throws IOException {
        try (RecordingServer recorder = new RecordingServer()) {
            Map<String, String> env = Map.of(ClientOptions.ENV_URL, recorder.url(), ClientOptions.ENV_TOKEN, "t");
            CliRun run = CliRun.run(env, null, "secret", "get", "prod/payments/stripe.api_key-2");
            assertEquals(ExitCodes.NOT_FOUND, run.exit(), run.toString());
            assertEquals(List.of("GET /v1/secrets/prod/payments/stripe.api_key-2?alias=current"), recorder.requests());
        }
    }
}
