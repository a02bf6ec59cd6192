package dev.coffer.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.support.TestServer;
import dev.coffer.spi.access.Policy;
import dev.coffer.tck.support.Await;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coffer run} against the real standalone server ({@link TestServer}: real HTTP, RS256
 * tokens), in-process with an explicit environment, starting real child processes ({@code sh})
 * that write the SHA-256 of the variables they got, never the values; and once as a real coffer
 * process, to stop it with SIGTERM.
 */
@ExtendWith(NoValueLeaks.class)
class RunCommandTest {
    private static TestServer server;
    private static Path adminTokenFile;
    private static String api1;
    private static String api2;
    private static String db;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start();
        adminTokenFile = dir.resolve("admin.token");
        Files.writeString(adminTokenFile, server.adminToken);
        db = TestValues.text();
        api1 = TestValues.text();
        api2 = TestValues.text();
        server.put(server.create("prod", "run/db"), db, "CURRENT");
        String api = server.create("prod", "run/api");
        server.put(api, api1, "CURRENT");
        server.put(api, api2, "CURRENT");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** What one in-process run printed itself (the child writes to the JVM's real descriptors). */
    private record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + ", stderr: " + err;
        }
    }

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put(ClientOptions.ENV_URL, server.base().toString());
        env.put(ClientOptions.ENV_TOKEN_FILE, adminTokenFile.toString());
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private static Run run(Map<String, String> env, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            int exit = Coffer.run(env, args);
            Run run = new Run(exit, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
            for (String value : List.of(db, api1, api2)) {
                assertFalse(run.out().contains(value) || run.err().contains(value), "coffer printed a value");
            }
            return run;
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** A shell command writing {@code sha256(<value of each variable>)} to {@code out}, one per line. */
    private static String[] hashesTo(Path out, String... variables) {
        StringBuilder script = new StringBuilder(": > '" + out + "'");
        for (String v : variables) {
            script.append("; printf %s \"${").append(v).append(":-<unset>}\" | sha256sum | cut -d' ' -f1 >> '").append(out).append('\'');
        }
        return new String[] {"--", "sh", "-c", script.toString()};
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static String[] args(String[] options, String[] command) {
        List<String> all = new ArrayList<>(List.of("run"));
        all.addAll(List.of(options));
        all.addAll(List.of(command));
        return all.toArray(String[]::new);
    }

    @Test
    void inheritedReferencesAreResolvedAndOtherVariablesPassedAsTheyAre() throws IOException {
        Path out = dir.resolve("inherited.out");
        Run run = run(env("DB_PASSWORD", "coffer://prod/run/db", "API_FIRST", "coffer://prod/run/api@1",
                "API_PREVIOUS", "coffer://prod/run/api#previous", "API_AGAIN", "coffer://prod/run/api", "PLAIN", "hello"),
                args(new String[0], hashesTo(out, "DB_PASSWORD", "API_FIRST", "API_PREVIOUS", "API_AGAIN", "PLAIN",
                        ClientOptions.ENV_TOKEN_FILE, ClientOptions.ENV_TOKEN)));
        assertEquals(ExitCodes.OK, run.exit(), run.toString());
        assertEquals(List.of(sha256(db), sha256(api1), sha256(api1), sha256(api2), sha256("hello"),
                sha256("<unset>"), sha256("<unset>")), Files.readAllLines(out),
                "values by reference; the CLI's own token is not passed on");
    }

    @Test
    void envFileReferencesAreResolvedAndOverrideInheritedOnes() throws IOException {
        Path file = dir.resolve("app.env");
        Files.writeString(file, "# app settings\nexport DB_PASSWORD=coffer://prod/run/db\n"
                + "API_KEY=\"coffer://prod/run/api#current\"   # quoted\nGREETING='hi there'\n\n");
        Path out = dir.resolve("envfile.out");
        Run run = run(env("DB_PASSWORD", "inherited"), args(new String[] {"--env-file", file.toString()},
                hashesTo(out, "DB_PASSWORD", "API_KEY", "GREETING")));
        assertEquals(ExitCodes.OK, run.exit(), run.toString());
        assertEquals(List.of(sha256(db), sha256(api2), sha256("hi there")), Files.readAllLines(out));
    }

    @Test
    void aMissingReferenceFailsBeforeTheCommandStartsNamingTheVariableAndPath() {
        Path marker = dir.resolve("missing.started");
        Run run = run(env("DB_PASSWORD", "coffer://prod/run/db", "TOKEN", "coffer://prod/run/no-such-secret"),
                "run", "--", "sh", "-c", "touch '" + marker + "'");
        assertEquals(ExitCodes.NOT_FOUND, run.exit(), run.toString());
        assertTrue(run.err().contains("variable TOKEN (coffer://prod/run/no-such-secret#current): SECRET_NOT_FOUND")
                && run.err().contains("the command was not started"), run.err());
        assertFalse(run.err().contains("DB_PASSWORD"), "only the failing variable is named: " + run.err());
        assertFalse(Files.exists(marker), "the command did not start");
    }

    @Test
    void aForbiddenReferenceFailsBeforeTheCommandStartsWithTheDeniedExitCode() throws IOException {
        server.allow(Policy.allow("run-reader", List.of("user:runner"), List.of("secrets:read"), List.of("prod/run/api")));
        Path token = dir.resolve("runner.token");
        Files.writeString(token, server.token("runner"));
        Path marker = dir.resolve("forbidden.started");
        Map<String, String> env = env("API_KEY", "coffer://prod/run/api", "DB_PASSWORD", "coffer://prod/run/db");
        env.put(ClientOptions.ENV_TOKEN_FILE, token.toString());
        Run run = run(env, "run", "--", "sh", "-c", "touch '" + marker + "'");
        assertEquals(ExitCodes.DENIED, run.exit(), run.toString());
        assertTrue(run.err().contains("variable DB_PASSWORD (coffer://prod/run/db#current): ACCESS_DENIED"), run.err());
        assertFalse(Files.exists(marker));
    }

    @Test
    void aMalformedReferenceFailsBeforeAnyRequestNamingTheVariable() {
        Run run = run(env("DB_PASSWORD", "coffer://prod/run/db@x", "OTHER", "coffer://Prod/x"), "run", "--", "true");
        assertEquals(ExitCodes.INVALID, run.exit(), run.toString());
        assertTrue(run.err().contains("variable DB_PASSWORD='coffer://prod/run/db@x': version 'x' after @ is not a number")
                && run.err().contains("variable OTHER='coffer://Prod/x'"), run.err());
    }

    @Test
    void moreThanTheBoundOfReferencesIsRefused() {
        Map<String, String> env = env();
        for (int i = 0; i <= EnvReferences.MAX_REFERENCES; i++) {
            env.put("REF_" + i, "coffer://prod/run/db");
        }
        Run run = run(env, "run", "--", "true");
        assertEquals(ExitCodes.INVALID, run.exit(), run.toString());
        assertTrue(run.err().contains("more than " + EnvReferences.MAX_REFERENCES), run.err());
    }

    @Test
    void theCommandsExitCodeIsForwarded() {
        Run run = run(env("DB_PASSWORD", "coffer://prod/run/db"), "run", "--", "sh", "-c", "exit 42");
        assertEquals(42, run.exit(), run.toString());
    }

    @Test
    void withoutTheSeparatorTheCommandsOwnOptionsStayTheCommands() {
        Run run = run(env("DB_PASSWORD", "coffer://prod/run/db"), "run", "sh", "-c", "exit 5");
        assertEquals(5, run.exit(), run.toString());
    }

    @Test
    void withoutReferencesNoTokenIsNeeded() {
        Map<String, String> env = env();
        env.remove(ClientOptions.ENV_TOKEN_FILE);
        assertEquals(3, run(env, "run", "--", "sh", "-c", "exit 3").exit());
    }

    @Test
    void aCommandThatCannotStartExits127() {
        Run run = run(env(), "run", "--", dir.resolve("no-such-program").toString());
        assertEquals(ExitCodes.CANNOT_START, run.exit(), run.toString());
        assertTrue(run.err().contains("cannot start"), run.err());
    }

    @Test
    void aBrokenEnvFileFailsNamingTheLineAndNoValue() throws IOException {
        Path file = dir.resolve("broken.env");
        Files.writeString(file, "OK=1\nSECRET=\"" + "unterminated-value-1234\n");
        Run run = run(env(), "run", "--env-file", file.toString(), "--", "true");
        assertEquals(ExitCodes.USAGE, run.exit(), run.toString());
        assertTrue(run.err().contains("line 2 (SECRET): the double quote is not closed"), run.err());
        assertFalse(run.err().contains("unterminated-value-1234"), run.err());
    }

    /** A real coffer process stopped with SIGTERM stops its child and waits for it. */
    @Test
    void sigtermToCofferStopsTheChildAndCofferExitsAfterIt() throws Exception {
        Path pidFile = dir.resolve("child.pid");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Coffer.class.getName(),
                "run", "--", "sh", "-c", "echo $$ > '" + pidFile + "'.tmp && mv '" + pidFile + "'.tmp '" + pidFile + "' && exec sleep 600"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(dir.resolve("sigterm.out").toFile())
                .redirectError(dir.resolve("sigterm.err").toFile());
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().putAll(env("DB_PASSWORD", "coffer://prod/run/db"));
        Process coffer = builder.start();
        try {
            Await.until("the child started", () -> Files.exists(pidFile) || !coffer.isAlive());
            assertTrue(coffer.isAlive(), () -> "coffer ended early: " + read(dir.resolve("sigterm.err")));
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            Optional<ProcessHandle> child = ProcessHandle.of(pid);
            assertTrue(child.isPresent() && child.get().isAlive());

            coffer.destroy(); // SIGTERM
            assertTrue(coffer.waitFor(30, TimeUnit.SECONDS), "coffer exited");
            assertEquals(143, coffer.exitValue(), "128 + SIGTERM, as the JVM exits on it");
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the child was stopped before coffer exited");
            String err = read(dir.resolve("sigterm.err"));
            assertFalse(err.contains(db), "no value in coffer's output");
        } finally {
            coffer.destroyForcibly();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }
}
