package dev.coffer.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.internal.EnvFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code coffer k8s generate -f <case>/spec.yaml} prints exactly the golden {@code expected.yaml} of
 * each case of {@code GoldenManifestsTest} (which checks those files structurally), and a case that
 * must fail exits {@link ExitCodes#INVALID} with exactly its {@code expected-error.txt} (the spec
 * named as given with {@code -f}) and prints nothing on stdout.
 */
class K8sGenerateGoldenTest {
    private static final Path CASES = Path.of("src/test/resources/k8s/golden");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(CASES)) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void generatePrintsTheGoldenFile(String name) throws IOException {
        Path dir = CASES.resolve(name);
        Path envFile = dir.resolve("environment.env");
        Map<String, String> environment = Files.exists(envFile) ? EnvFile.read(envFile, name + "/environment.env") : Map.of();
        String spec = dir.resolve("spec.yaml").toString();
        CliRun run = CliRun.runIn(environment, "k8s", "generate", "-f", spec);
        for (String value : environment.values()) {
            assertFalse(run.err().contains(value), name + ": a test value on stderr");
        }
        Path error = dir.resolve("expected-error.txt");
        if (Files.exists(error)) {
            assertEquals(ExitCodes.INVALID, run.exit(), run.toString());
            assertEquals("", run.out());
            String expected = Files.readString(error).replace("spec.yaml:", spec + ":");
            assertTrue(run.err().contains(expected.strip()), run.err());
            return;
        }
        assertEquals(ExitCodes.OK, run.exit(), run.toString());
        assertEquals(Files.readString(dir.resolve("expected.yaml")), run.out());
    }
}
