package dev.coffer.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped alerting rules pass {@code promtool check rules} and their unit tests
 * ({@code promtool test rules}). promtool is Debian's {@code prometheus} package; .ci/run installs
 * it. With {@code CI=true} a missing promtool fails; elsewhere these tests are skipped with the reason.
 */
class AlertRulesTest {
    private static final String PROMTOOL = "promtool";

    @BeforeAll
    static void requirePromtool() {
        if (!onPath(PROMTOOL)) {
            String reason = "promtool not found on PATH (apt-get install --no-install-recommends prometheus)";
            if ("true".equals(System.getenv("CI"))) {
                fail(reason + "; CI=true needs it");
            }
            System.out.println("AlertRulesTest skipped: " + reason);
            Assumptions.abort(reason);
        }
    }

    @Test
    void theRulesPassPromtoolCheck() throws Exception {
        Result result = promtool(Path.of("."), "check", "rules", AlertRules.RULES.toString());
        assertEquals(0, result.exit(), result.output());
    }

    @Test
    void theRulesPassTheirPromtoolUnitTests() throws Exception {
        // rule_files in the test file are relative to the test file's directory.
        Result result = promtool(AlertRules.TESTS.getParent(), "test", "rules", AlertRules.TESTS.getFileName().toString());
        assertEquals(0, result.exit(), result.output());
    }

    @Test
    void theRulesShipOnTheServersClasspath() throws IOException {
        try (InputStream packaged = AlertRulesTest.class.getResourceAsStream("/prometheus/coffer-alerts.yml")) {
            assertNotNull(packaged, "prometheus/coffer-alerts.yml is not packaged");
            assertEquals(Files.readString(AlertRules.RULES), new String(packaged.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private record Result(int exit, String output) {}

    private static Result promtool(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(PROMTOOL));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("promtool " + String.join(" ", args) + " did not finish");
        }
        return new Result(process.exitValue(), String.join(" ", command) + "\n" + output);
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
