package dev.coffer.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: {@code ./coffer serve} as a separate process on a free port with a fresh data
 * directory, driven only through the {@code ./coffer} CLI, then restarted. Every byte the server
 * and the CLI print (except {@code secret get}'s stdout, which is the value) is scanned for the
 * values put in.
 */
class CofferCliIT {
    private static final Pattern LISTENING = Pattern.compile("Coffer listening on (http://\\S+)");
    private static final Pattern ADMIN_TOKEN = Pattern.compile("admin token: (\\S+)");

    @TempDir
    Path temp;

    private Path repo;
    private Path data;
    private Process server;
    private Path serverOut;
    private Path serverErr;
    private String url;
    private Path tokenFile;
    private final List<String> printed = new ArrayList<>();

    @BeforeEach
    void locate() {
        repo = Path.of(System.getProperty("coffer.repo", "..")).toAbsolutePath().normalize();
        assertTrue(Files.isExecutable(repo.resolve("coffer")), "the launcher is missing at " + repo);
        data = temp.resolve("data");
    }

    @AfterEach
    void stop() throws Exception {
        stopServer();
    }

    @Test
    void wholeLifecycleThroughTheCli() throws Exception {
        String v1 = value();
        String v2 = value();
        startServer();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
        for (String file : List.of("admin.token", "jwt-signing-key.pem")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(file))), file);
        }
        String adminToken = Files.readString(tokenFile).trim();
        assertFalse(read(serverOut).contains(adminToken), "serve printed the admin token");

        assertOk(cli(null, "secret", "create", "prod/payments/db", "--owner-team", "payments", "--rotation-period", "90d"));
        assertOk(cli(v1 + "\n", "secret", "put", "prod/payments/db"));
        Result get1 = cli(null, "secret", "get", "prod/payments/db");
        assertOk(get1);
        assertEquals(v1, get1.out, "get prints the value alone (trailing newline of stdin removed)");

        Result pending = cli(v2, "secret", "put", "prod/payments/db", "--pending");
        assertOk(pending);
        assertTrue(pending.out.contains("version 2 PENDING"), pending.out);
        assertEquals(v1, cli(null, "secret", "get", "prod/payments/db").out, "readers still get current");
        Result versions = cli(null, "secret", "versions", "prod/payments/db");
        assertTrue(versions.out.contains("PENDING") && versions.out.contains("CURRENT"), versions.out);

        Result stale = cli(null, "secret", "promote", "prod/payments/db", "2", "--expected", "5");
        assertEquals(ExitCodes.CONFLICT, stale.exit, stale.err);
        assertTrue(stale.err.contains("VERSION_CONFLICT"), stale.err);
        assertOk(cli(null, "secret", "promote", "prod/payments/db", "2", "--expected", "1"));
        assertEquals(v2, cli(null, "secret", "get", "prod/payments/db").out);
        assertEquals(v1, cli(null, "secret", "get", "prod/payments/db", "--alias", "previous").out);

        assertOk(cli(null, "secret", "disable", "prod/payments/db", "1"));
        Result disabled = cli(null, "secret", "get", "prod/payments/db", "--version", "1");
        assertEquals(ExitCodes.GONE, disabled.exit, disabled.err);
        assertTrue(disabled.err.contains("VERSION_DISABLED"), disabled.err);

        Result audit = cli(null, "audit", "query", "prod/payments/db", "--type", "ALIAS_MOVE", "--output", "json");
        assertOk(audit);
        assertTrue(audit.out.contains("\"alias=current from=1 to=2\""), audit.out);
        assertOk(cli(null, "audit", "verify"));

        // A second principal: minted from the data directory, denied until a policy lets it read.
        Result mint = cli(null, "token", "mint", "--subject", "svc:payments-api", "--groups", "payments-readers", "--ttl", "10m",
                "--data", data.toString());
        assertOk(mint);
        List<String> lines = mint.out.lines().toList();
        String readerToken = lines.get(lines.size() - 1);
        assertEquals(3, readerToken.split("\\.").length, "the last line is the token");
        Result denied = cliWith(readerToken, null, "secret", "get", "prod/payments/db");
        assertEquals(ExitCodes.DENIED, denied.exit, denied.err);
        assertTrue(denied.err.contains("ACCESS_DENIED"), denied.err);
        assertOk(cli("{\"effect\":\"allow\",\"principals\":[\"group:payments-readers\"],\"actions\":[\"secrets:read\"],"
                + "\"resources\":[\"prod/payments/*\"]}", "policy", "put", "payments-read"));
        assertEquals(v2, cliWith(readerToken, null, "secret", "get", "prod/payments/db").out);
        Result deniedAudit = cli(null, "audit", "query", "--type", "ACCESS_DENIED", "--output", "json");
        assertTrue(deniedAudit.out.contains("svc:payments-api"), deniedAudit.out);

        Result noToken = cliWith("", null, "secret", "list");
        assertEquals(ExitCodes.UNAUTHENTICATED, noToken.exit, noToken.err);

        // Deletion: scheduled, purge refused inside the window, restored.
        assertOk(cli(null, "secret", "delete", "prod/payments/db", "--recovery-window-days", "7"));
        Result early = cli(null, "secret", "purge", "prod/payments/db");
        assertEquals(ExitCodes.CONFLICT, early.exit, early.err);
        assertTrue(early.err.contains("RECOVERY_WINDOW_OPEN"), early.err);
        assertOk(cli(null, "secret", "restore", "prod/payments/db"));

        // Restart: keys, token and data are reused.
        stopServer();
        startServer();
        assertEquals(adminToken, Files.readString(tokenFile).trim(), "restart reuses the admin token");
        assertEquals(v2, cli(null, "secret", "get", "prod/payments/db").out, "restart keeps the secrets");
        assertOk(cli(null, "audit", "verify"));

        stopServer();
        String everything = String.join("\n", printed) + read(serverOut) + read(serverErr);
        assertFalse(everything.contains(v1), "value 1 leaked into server or CLI output");
        assertFalse(everything.contains(v2), "value 2 leaked into server or CLI output");
        assertFalse(everything.contains(adminToken), "the admin token leaked into output");
    }

    @Test
    void clientCommandsMapTheClassDataSharingArchive() throws Exception {
        // The first client command after a build writes the archive; this one (or a later one) maps it.
        assertOk(run(Map.of(), null, "secret", "get", "--help"));
        Path log = temp.resolve("classes.log");
        Result help = run(Map.of("JAVA_OPTS", "-XX:TieredStopAtLevel=1 -Xlog:class+load=info:file=" + log + ":none"), null,
                "secret", "get", "--help");
        assertOk(help);
        assertTrue(help.out.contains("Usage: coffer secret get"), help.out);
        String loaded = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(loaded.contains("dev.coffer.server.cli.Coffer source: shared objects file (top)"),
                "the CLI's classes come from the launcher's archive");
        assertFalse(loaded.contains("source: file:" + repo.resolve("reference-server/target")),
                "the launcher runs a copy of the jar, not target/coffer.jar");
    }

    private void startServer() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        serverOut = Files.createTempFile(temp, "serve", ".out");
        serverErr = Files.createTempFile(temp, "serve", ".err");
        server = new ProcessBuilder(repo.resolve("coffer").toString(), "serve", "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--data", data.toString())
                .directory(temp.toFile())
                .redirectOutput(serverOut.toFile())
                .redirectError(serverErr.toFile())
                .start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            String out = read(serverOut);
            Matcher listening = LISTENING.matcher(out);
            Matcher token = ADMIN_TOKEN.matcher(out);
            if (listening.find() && token.find()) {
                url = listening.group(1);
                tokenFile = Path.of(token.group(1));
                return;
            }
            if (!server.isAlive()) {
                break;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the server did not start: " + read(serverErr));
    }

    private void stopServer() throws InterruptedException {
        if (server != null && server.isAlive()) {
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private Result cli(String stdin, String... args) throws IOException, InterruptedException {
        return run(Map.of(ClientOptions.ENV_URL, url, ClientOptions.ENV_TOKEN_FILE, tokenFile.toString()), stdin, args);
    }

    private Result cliWith(String token, String stdin, String... args) throws IOException, InterruptedException {
        return run(Map.of(ClientOptions.ENV_URL, url, ClientOptions.ENV_TOKEN, token), stdin, args);
    }

    private Result run(Map<String, String> env, String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(repo.resolve("coffer").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(temp.toFile());
        ClientOptions.ENV_NAMES.forEach(builder.environment()::remove);
        builder.environment().putAll(env);
        Path out = Files.createTempFile(temp, "cli", ".out");
        Path err = Files.createTempFile(temp, "cli", ".err");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (stdin != null) {
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        process.getOutputStream().close();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "coffer " + String.join(" ", args) + " hung");
        Result result = new Result(process.exitValue(), read(out), read(err));
        printed.add(result.err);
        if (!(args.length > 1 && args[0].equals("secret") && args[1].equals("get"))) {
            printed.add(result.out);
        }
        return result;
    }

    private static void assertOk(Result result) {
        assertEquals(0, result.exit, () -> "exit " + result.exit + ": " + result.err);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String value() {
        byte[] noise = new byte[12];
        new SecureRandom().nextBytes(noise);
        return "e2e-value-" + HexFormat.of().formatHex(noise);
    }

    private record Result(int exit, String out, String err) {}
}
