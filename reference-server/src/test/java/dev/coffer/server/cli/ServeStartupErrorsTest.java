package dev.coffer.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.coffer.server.standalone.DataDir;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coffer serve} that cannot start, as separate processes (the test JVM's class path, the
 * CLI's main class): each says why in one line on stderr, exits {@value ExitCodes#UNAVAILABLE},
 * prints no stack trace, and leaves the data directory as it found it.
 */
class ServeStartupErrorsTest {
    private static final Pattern LISTENING = Pattern.compile("Coffer listening on (http://\\S+)");

    @TempDir
    Path temp;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : started) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aSecondServerOnTheSameDataDirNamesTheFirstsPidAndChangesNothing() throws Exception {
        Path data = temp.resolve("coffer-data");
        Process first = serve(data, "--port", "0");
        String url = awaitListening(first);
        Map<String, String> before = contents(data);

        // Same data directory, and (as `coffer serve` twice would) a port of its own: the lock decides.
        Ended second = run(serve(data, "--port", "0"));

        assertEquals(ExitCodes.UNAVAILABLE, second.exit(), second::toString);
        assertOneLine("coffer: data directory " + data + " in use by another server (pid " + first.pid() + "); stop it, "
                + "or give this server a data directory of its own (--data)", second);
        assertFalse(second.err().contains("STORE_UNAVAILABLE") || second.err().contains("PoolInitialization"), second::toString);
        assertEquals(before, contents(data), "the refused server changed nothing in the data directory");
        assertEquals(200, get(url + "/health/ready").statusCode(), "the first server still serves");
    }

    @Test
    void aSecondServerOnTheSameDataDirAndPortIsToldAboutTheDataDir() throws Exception {
        Path data = temp.resolve("coffer-data");
        int port = freePort();
        awaitListening(serve(data, "--port", Integer.toString(port)));

        Ended second = run(serve(data, "--port", Integer.toString(port)));

        assertEquals(ExitCodes.UNAVAILABLE, second.exit(), second::toString);
        assertTrue(second.err().startsWith("coffer: data directory " + data + " in use by another server (pid "), second::toString);
    }

    @Test
    void aPortTakenByAPlainSocketSaysAddressInUseNamesTheFlagAndLeavesNoDataDir() throws Exception {
        Path data = temp.resolve("coffer-data");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Ended run = run(serve(data, "--port", Integer.toString(taken.getLocalPort())));

            assertEquals(ExitCodes.UNAVAILABLE, run.exit(), run::toString);
            assertOneLine("coffer: address already in use: 127.0.0.1:" + taken.getLocalPort() + "; another program listens there: "
                    + "stop it, or choose another port with --port (or another address with --bind)", run);
        }
        assertFalse(Files.exists(data), "a start that failed removes the data directory it created");
    }

    @Test
    void aPortTakenLeavesAnExistingDataDirAsItWas() throws Exception {
        Path data = temp.resolve("coffer-data");
        Process first = serve(data, "--port", "0");
        awaitListening(first);
        first.destroy();
        assertTrue(first.waitFor(20, TimeUnit.SECONDS));
        Map<String, String> complete = contents(data);

        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Ended run = run(serve(data, "--port", Integer.toString(taken.getLocalPort())));
            assertEquals(ExitCodes.UNAVAILABLE, run.exit(), run::toString);
            assertTrue(run.err().startsWith("coffer: address already in use: 127.0.0.1:" + taken.getLocalPort()), run::toString);
        }
        assertEquals(complete, contents(data));
    }

    @Test
    void aDataDirThatIsAFileIsRefusedAndLeftAlone() throws Exception {
        Path file = Files.writeString(temp.resolve("not-a-dir"), "someone's notes\n");

        Ended run = run(serve(file, "--port", "0"));

        assertEquals(ExitCodes.UNAVAILABLE, run.exit(), run::toString);
        assertOneLine("coffer: data directory " + file + " is a file, not a directory; give --data a directory "
                + "(it is created when missing)", run);
        assertEquals("someone's notes\n", Files.readString(file));
    }

    @Test
    void aDataDirUnderAFileCannotBeCreatedAndSaysWhy() throws Exception {
        Path file = Files.writeString(temp.resolve("not-a-dir"), "x");
        Path data = file.resolve("coffer-data");

        Ended run = run(serve(data, "--port", "0"));

        assertEquals(ExitCodes.UNAVAILABLE, run.exit(), run::toString);
        assertOneLine("coffer: cannot create the data directory " + data + ": not a directory (" + data + ")", run);
    }

    @Test
    void aDataDirNoFileCanBeCreatedInIsRefusedAndNothingOfItsIsRemoved() throws Exception {
        // Tests run as root in CI, for whom a 0500 directory is writable; no one can create a file in
        // /proc/self/fd (a 0500 directory the kernel keeps), so it stands for an unwritable one.
        Path unwritable = Path.of("/proc/self/fd");
        assumeTrue(Files.isDirectory(unwritable), "Linux /proc");

        Ended run = run(serve(unwritable, "--port", "0"));

        assertEquals(ExitCodes.UNAVAILABLE, run.exit(), run::toString);
        assertOneLine("coffer: cannot lock the data directory " + unwritable + " (is it writable?): no such file or directory", run);
    }

    private Process serve(Path data, String... flags) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Coffer.class.getName(), "serve", "--bind", "127.0.0.1",
                "--data", data.toString()));
        command.addAll(List.of(flags));
        Path out = Files.createTempFile(temp, "serve", ".out");
        Path err = Files.createTempFile(temp, "serve", ".err");
        Process process = new ProcessBuilder(command).directory(temp.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        started.add(process);
        outputs.put(process.pid(), new Path[] {out, err});
        return process;
    }

    private final Map<Long, Path[]> outputs = new TreeMap<>();

    private String awaitListening(Process server) throws Exception {
        Path out = outputs.get(server.pid())[0];
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline) && server.isAlive()) {
            Matcher listening = LISTENING.matcher(Files.readString(out));
            if (listening.find()) {
                return listening.group(1);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the server did not start: " + Files.readString(outputs.get(server.pid())[1]));
    }

    private Ended run(Process process) throws Exception {
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            throw new AssertionError("coffer serve kept running although it could not start");
        }
        Path[] files = outputs.get(process.pid());
        return new Ended(process.exitValue(), Files.readString(files[0]), Files.readString(files[1]));
    }

    private static void assertOneLine(String expected, Ended run) {
        assertEquals(expected + "\n", run.err(), "one line on stderr, no stack trace");
        assertFalse(run.out().contains("Exception") || run.out().contains("\tat "), run.out());
    }

    // Every file in the directory with a digest of its content (not the content: it holds keys and a
    // token), to compare before and after; the database and the lock file by name only, since a
    // running server's H2 writes whenever it likes and each start writes its pid into the lock file.
    private static Map<String, String> contents(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                boolean byName = name.endsWith(".db") || name.equals(DataDir.LOCK);
                files.put(name, byName ? "" : HexFormat.of().formatHex(sha256(Files.readAllBytes(p))));
            }
        }
        return files;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private record Ended(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + ", stdout: " + out + ", stderr: " + err;
        }
    }
}
