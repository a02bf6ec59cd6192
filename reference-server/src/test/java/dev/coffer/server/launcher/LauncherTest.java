package dev.coffer.server.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's {@code ./coffer} launcher, run with bash in a copy of the checkout's layout whose
 * {@code ./mvnw} is a stand-in: it records its arguments and "builds" {@code target/coffer.jar} by
 * copying a small jar whose main class ({@link LauncherProbe}) says which file it runs from.
 * The launcher builds when the jar is missing or older than a pom or a source, says so on stderr,
 * and runs a copy of the jar outside {@code target/}, so a rebuild never rewrites the file a
 * running {@code coffer serve} has open.
 */
class LauncherTest {
    @TempDir
    Path checkout;

    private Path jar;
    private Path source;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void layOut() throws IOException {
        Path repo = Path.of(System.getProperty("coffer.repo", "..")).toAbsolutePath().normalize();
        Files.copy(repo.resolve("coffer"), checkout.resolve("coffer"));
        Files.writeString(checkout.resolve("pom.xml"), "<project/>\n");
        Files.createDirectories(checkout.resolve("reference-server/src/main/java"));
        Files.writeString(checkout.resolve("reference-server/pom.xml"), "<project/>\n");
        source = Files.writeString(checkout.resolve("reference-server/src/main/java/Server.java"), "class Server {}\n");
        Path mvnw = Files.writeString(checkout.resolve("mvnw"), """
                #!/usr/bin/env bash
                # stand-in for the Maven wrapper: records the call, "builds" the jar from probe.jar
                echo "$*" >> mvnw.calls
                mkdir -p reference-server/target
                cp probe.jar reference-server/target/coffer.jar
                """);
        Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
        // The sources were checked out before any build.
        FileTime past = FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS));
        for (Path file : List.of(checkout.resolve("pom.xml"), checkout.resolve("reference-server/pom.xml"), source)) {
            Files.setLastModifiedTime(file, past);
        }
        jar = checkout.resolve("reference-server/target/coffer.jar");
        writeProbe(checkout.resolve("probe.jar"), "A");
    }

    @AfterEach
    void stopStarted() throws InterruptedException {
        for (Process process : started) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFreshCheckoutBuildsTheJarAndRunsACopyOutsideTarget() throws Exception {
        Run first = coffer("secret", "get", "prod/db");
        assertEquals(0, first.exit, first.err);
        assertTrue(first.err.contains("coffer: no jar yet (first run): building " + jar), first.err);
        assertEquals(List.of("-q -B -pl reference-server -am package -DskipTests"), calls());
        assertEquals("A", first.variant());
        assertEquals("secret get prod/db", first.line("args="));
        Path copy = first.jar();
        assertTrue(copy.startsWith(checkout.resolve(".coffer/runtime")), copy.toString());
        assertArrayEquals(Files.readAllBytes(jar), Files.readAllBytes(copy));
        // The stand-in jar has no training class: the launcher says so once and runs without the archive.
        assertTrue(first.err.contains("could not write the archive"), first.err);

        Run second = coffer("secret", "get", "prod/db");
        assertEquals(0, second.exit, second.err);
        assertEquals("", second.err, "nothing to build or to write the second time");
        assertEquals(1, calls().size());
        assertEquals(copy, second.jar());
    }

    @Test
    void aSourceNewerThanTheJarRebuildsIt() throws Exception {
        assertEquals(0, coffer("--version").exit);
        writeProbe(checkout.resolve("probe.jar"), "B");
        pulledAfterTheBuild(source);

        Run pulled = coffer("--version");
        assertEquals(0, pulled.exit, pulled.err);
        assertTrue(pulled.err.contains("coffer: reference-server/src/main/java/Server.java is newer than the jar: building " + jar),
                pulled.err);
        assertEquals(2, calls().size());
        assertEquals("B", pulled.variant(), "the rebuilt jar runs");

        Run again = coffer("--version");
        assertFalse(again.err.contains("building"), again.err);
        assertEquals(2, calls().size(), "no rebuild once the jar is newer than the sources");
    }

    @Test
    void aPomNewerThanTheJarRebuildsIt() throws Exception {
        assertEquals(0, coffer("--version").exit);
        pulledAfterTheBuild(checkout.resolve("pom.xml"));
        Run run = coffer("--version");
        assertTrue(run.err.contains("coffer: pom.xml is newer than the jar: building"), run.err);
        assertEquals(2, calls().size());
    }

    @Test
    void aBuildDoesNotRewriteTheJarOfARunningServer() throws Exception {
        Process serve = start("wait");
        BufferedReader serveOut = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
        Path serving = Path.of(serveOut.readLine().substring("jar=".length()));
        assertEquals("variant=A", serveOut.readLine());
        assertEquals("args=wait", serveOut.readLine());

        // `./mvnw verify` writes a new target/coffer.jar while the server runs.
        writeProbe(jar, "B");
        Run client = coffer("secret", "list");
        assertEquals(0, client.exit, client.err);
        assertEquals("B", client.variant());
        assertNotEquals(serving, client.jar());
        assertTrue(Files.isRegularFile(serving), "the running server's copy is still there");

        // Another build: B's copy goes (nothing runs it), the server's stays while it runs.
        writeProbe(jar, "C");
        Run later = coffer("secret", "list");
        assertEquals("C", later.variant());
        assertFalse(Files.exists(client.jar()), "an unused old copy is removed");
        assertTrue(Files.isRegularFile(serving), "a copy in use is kept");

        serve.getOutputStream().close();
        assertTrue(serve.waitFor(30, TimeUnit.SECONDS));
        assertEquals("still variant=A", serveOut.readLine(), "the server read its own jar to the end");
        assertEquals(0, serve.exitValue());

        writeProbe(jar, "D");
        assertEquals("D", coffer("--version").variant());
        assertFalse(Files.exists(serving), "the server's copy goes once the server has stopped");
    }

    /** The jar was built half an hour ago, {@code file} changed by a `git pull` ten minutes later. */
    private void pulledAfterTheBuild(Path file) throws IOException {
        Instant built = Instant.now().minus(30, ChronoUnit.MINUTES);
        Files.setLastModifiedTime(jar, FileTime.from(built));
        Files.setLastModifiedTime(file, FileTime.from(built.plus(10, ChronoUnit.MINUTES)));
    }

    private Run coffer(String... args) throws IOException, InterruptedException {
        Process process = start(args);
        process.getOutputStream().close();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "./coffer hung");
        return new Run(process.exitValue(), read(process.getInputStream()), read(process.getErrorStream()));
    }

    private Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", checkout.resolve("coffer").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(checkout.toFile());
        builder.environment().remove("JAVA_OPTS");
        builder.environment().remove("COFFER_CDS");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        started.add(process);
        return process;
    }

    private List<String> calls() throws IOException {
        Path calls = checkout.resolve("mvnw.calls");
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    /** A runnable jar of {@link LauncherProbe} whose {@code variant.txt} says {@code variant}. */
    private static void writeProbe(Path target, String variant) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, LauncherProbe.class.getName());
        String classFile = LauncherProbe.class.getName().replace('.', '/') + ".class";
        // Written in place, as a build rewrites target/coffer.jar; every variant has the same size.
        try (OutputStream file = Files.newOutputStream(target); JarOutputStream out = new JarOutputStream(file, manifest);
                InputStream probe = LauncherProbe.class.getResourceAsStream("/" + classFile)) {
            out.putNextEntry(new JarEntry(classFile));
            probe.transferTo(out);
            out.putNextEntry(new JarEntry("variant.txt"));
            out.write(variant.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private record Run(int exit, String out, String err) {
        String line(String prefix) {
            return out.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + prefix + " in " + out + " / " + err));
        }

        String variant() {
            return line("variant=");
        }

        Path jar() {
            return Path.of(line("jar="));
        }
    }
}
