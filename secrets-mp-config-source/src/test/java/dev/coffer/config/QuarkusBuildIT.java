package dev.coffer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A real Quarkus build (profile {@code quarkus-it}, not in the default build: it fetches Quarkus
 * 3.33.2 from Maven Central the first time): {@code src/it/quarkus-probe}, a minimal application
 * with this module's jar, is packaged with {@code COFFER_URL=embedded} and
 * {@code COFFER_MAP_DB_PASSWORD} set, as in a CI job that has the application's settings in its
 * environment. The build output must hold neither the secret's value nor its property name, and
 * the packaged application started with the same settings must read the value at runtime.
 *
 * <pre>
 * ./mvnw -B -pl secrets-mp-config-source -am verify -Pquarkus-it -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>{@code -Dcoffer.it.offline=true} builds the probe offline, {@code -Dcoffer.it.repo.local=DIR}
 * with another local repository.
 */
class QuarkusBuildIT {

    @Test
    void aQuarkusBuildRecordsNoSecretAndTheApplicationReadsItAtRuntime() throws Exception {
        Assumptions.assumeTrue(System.getProperty("coffer.config.jar") != null, "runs with -Pquarkus-it only");
        Path work = Path.of(System.getProperty("coffer.it.work", "target/quarkus-probe")).toAbsolutePath();
        copy(Path.of("src/it/quarkus-probe"), work);
        byte[] noise = new byte[12];
        new SecureRandom().nextBytes(noise);
        String canary = "probe-canary-" + HexFormat.of().formatHex(noise);
        Map<String, String> env = Map.of("COFFER_URL", "embedded", "COFFER_MAP_DB_PASSWORD", "prod/db/password",
                "COFFER_PROBE_CANARY", canary);

        Path mvnw = Path.of(System.getProperty("coffer.repo", "..")).toAbsolutePath().normalize().resolve("mvnw");
        List<String> build = new ArrayList<>(List.of(mvnw.toString(), "-B", "package",
                "-Dcoffer.config.jar=" + require("coffer.config.jar"), "-Dcoffer.spi.jar=" + require("coffer.spi.jar"),
                "-Dparsson.version=" + require("parsson.version")));
        if (Boolean.getBoolean("coffer.it.offline")) {
            build.add("-o");
        }
        String repo = System.getProperty("coffer.it.repo.local", "");
        if (!repo.isBlank()) {
            build.add("-Dmaven.repo.local=" + repo); // e.g. one already holding Quarkus, to run offline
        }
        String buildLog = run(work, env, build, 600);
        assertTrue(buildLog.contains("Coffer ConfigSource is inert during the Quarkus build"), "the build was detected:\n" + tail(buildLog));
        assertFalse(buildLog.contains(canary), "the value reached the build log");

        Path generated = work.resolve("target/quarkus-app/quarkus/generated-bytecode.jar");
        assertTrue(Files.isRegularFile(generated), "no " + generated);
        String found = entriesContaining(generated, canary, "db.password");
        assertEquals("", found, "the build output holds the secret or its name");

        String runLog = run(work, env, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                "target/quarkus-app/quarkus-run.jar"), 120);
        assertTrue(runLog.contains("PROBE present=true matches=true"), "read at runtime:\n" + tail(runLog));
        assertFalse(runLog.contains(canary));

        String bare = run(work, Map.of("COFFER_PROBE_CANARY", canary), List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", "target/quarkus-app/quarkus-run.jar"), 120);
        assertTrue(bare.contains("PROBE present=false"), "without settings the artifact has no value:\n" + tail(bare));
    }

    private static String require(String property) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set (run with -Pquarkus-it)");
        }
        return v;
    }

    /** Runs {@code command} in {@code dir} with {@code env} added (COFFER_* of this JVM removed), returning its output. */
    private static String run(Path dir, Map<String, String> env, List<String> command, int timeoutSeconds) throws Exception {
        Path log = Files.createTempFile(dir, "run", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.toUpperCase(java.util.Locale.ROOT).startsWith("COFFER"));
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s:\n" + tail(Files.readString(log)));
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), command + " failed:\n" + tail(out));
        return out;
    }

    private static String entriesContaining(Path jar, String... needles) throws IOException {
        StringBuilder hits = new StringBuilder();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                String bytes = new String(zip.readAllBytes(), StandardCharsets.ISO_8859_1); // class constants are (modified) UTF-8
                for (String needle : needles) {
                    if (bytes.contains(needle)) {
                        hits.append(e.getName()).append(" holds ").append(needle.startsWith("probe-canary") ? "the value" : needle).append('\n');
                    }
                }
            }
        }
        return hits.toString();
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static String tail(String text) {
        return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
    }
}
