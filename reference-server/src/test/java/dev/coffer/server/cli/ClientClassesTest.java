package dev.coffer.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.support.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client command loads no server class: {@code coffer secret get} runs in a child JVM, with the
 * test class path (Jetty, Jersey, H2, Tink... all present), against a real {@link TestServer}, and
 * the JVM's class-load log must name none of the server's packages. Loading them is most of what
 * made a client command slow to start: they are only for {@code coffer serve} and {@code token mint}.
 */
class ClientClassesTest {
    /** The server's libraries and our own server-side packages; none may load in a client command. */
    private static final List<String> SERVER_PACKAGES = List.of(
            "org.eclipse.jetty.", "org.glassfish.jersey.", "jersey.repackaged.", "org.glassfish.hk2.", "org.jvnet.hk2.",
            "org.eclipse.yasson.", "jakarta.json.bind.", "jakarta.ws.rs.", "jakarta.servlet.",
            "io.smallrye.jwt.", "org.jose4j.", "org.h2.", "com.zaxxer.hikari.", "org.flywaydb.", "org.jdbi.", "org.postgresql.",
            "com.google.crypto.tink.", "com.google.protobuf.", "com.fasterxml.jackson.", "com.github.benmanes.",
            "dev.coffer.server.standalone.", "dev.coffer.server.api.", "dev.coffer.server.auth.", "dev.coffer.server.metrics.",
            "dev.coffer.server.liberty.", "dev.coffer.tink.", "dev.coffer.jdbi.");
    private static final Pattern LOADED = Pattern.compile("(\\S+) source: ");

    private static TestServer server;
    private static Path tokenFile;
    private static String value;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start();
        tokenFile = dir.resolve("admin.token");
        Files.writeString(tokenFile, server.adminToken);
        byte[] noise = new byte[12];
        new SecureRandom().nextBytes(noise);
        value = "client-classes-" + HexFormat.of().formatHex(noise);
        Map<String, String> env = env();
        assertEquals(0, CliRun.run(env, null, "secret", "create", "prod/startup/db", "--owner-team", "payments").exit());
        assertEquals(0, CliRun.run(env, value, "secret", "put", "prod/startup/db").exit());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void secretGetLoadsNoServerClass() throws Exception {
        Child get = runChild("secret", "get", "prod/startup/db");
        assertEquals(0, get.exit, get.err);
        assertEquals(value, get.out);
        assertFalse(get.err.contains(value), "the value leaked to stderr");
        assertTrue(get.loaded.stream().anyMatch(name -> name.startsWith("dev.coffer.server.cli.SecretCommand")), "the log shows the command ran");
        assertEquals(List.of(), serverClasses(get.loaded));
    }

    @Test
    void theWholeCommandTreeLoadsNoServerClass() throws Exception {
        // --help builds every command, serve and token mint included: their flags must not drag the server in.
        Child help = runChild("--help");
        assertEquals(0, help.exit, help.err);
        assertTrue(help.out.contains("serve") && help.out.contains("token"), help.out);
        assertTrue(help.loaded.contains("dev.coffer.server.cli.ServeCommand")
                && help.loaded.contains("dev.coffer.server.cli.TokenCommand"), "the log shows serve and token were built");
        assertEquals(List.of(), serverClasses(help.loaded));
    }

    @Test
    void aFailedClientCommandLoadsNoServerClassEither() throws Exception {
        Child missing = runChild("secret", "get", "prod/startup/nosuch");
        assertEquals(ExitCodes.NOT_FOUND, missing.exit, missing.err);
        assertTrue(missing.err.contains("SECRET_NOT_FOUND"), missing.err);
        assertEquals(List.of(), serverClasses(missing.loaded));
    }

    @Test
    void aClientCommandLeavesNoHttpSelectorThreadToWaitForAtExit() throws Exception {
        // The JVM's exit waits for threads in native code; the HTTP client's selector waits in epoll.
        Child get = runChild(ExitProbe.class, "secret", "get", "prod/startup/db");
        assertEquals(0, get.exit, get.err);
        assertEquals(value, get.out);
        assertFalse(get.err.contains("alive: "), get.err);
        assertTrue(get.loaded.contains("jdk.internal.net.http.HttpClientImpl$SelectorManager"), "the command used the HTTP client");
    }

    private static List<String> serverClasses(List<String> loaded) {
        return loaded.stream().filter(name -> SERVER_PACKAGES.stream().anyMatch(name::startsWith)).toList();
    }

    private static Map<String, String> env() {
        return Map.of(ClientOptions.ENV_URL, server.base().toString(), ClientOptions.ENV_TOKEN_FILE, tokenFile.toString());
    }

    private static Child runChild(String... args) throws IOException, InterruptedException {
        return runChild(Coffer.class, args);
    }

    private static Child runChild(Class<?> main, String... args) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "classes", ".log");
        Path out = Files.createTempFile(dir, "child", ".out");
        Path err = Files.createTempFile(dir, "child", ".err");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + log + ":none", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        ClientOptions.ENV_NAMES.forEach(builder.environment()::remove);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().putAll(env());
        Process process = builder.start();
        process.getOutputStream().close();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "coffer " + String.join(" ", args) + " hung");
        List<String> loaded = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher m = LOADED.matcher(line);
            if (m.find()) {
                loaded.add(m.group(1));
            }
        }
        assertTrue(loaded.size() > 100, "the class-load log is empty: " + log);
        return new Child(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8),
                loaded);
    }

    private record Child(int exit, String out, String err, List<String> loaded) {}
}
