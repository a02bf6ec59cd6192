package dev.coffer.server.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.support.LogCapture;
import dev.coffer.server.support.TestServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every shell block marked {@code <!-- doc-test: run -->} in README.md and docs/ runs against a
 * real server (the standalone HTTP stack over the in-memory parts, real RS256 tokens) as a reader
 * would run it: alone, on a fresh server, so that no block leans on one before it; and all in
 * reading order (README.md, then docs/ by path), on one server, so that no block breaks one after
 * it. A new walkthrough is a new marked block; nothing here changes.
 */
class DocWalkthroughsTest {
    /** A value as the walkthroughs store it: {@code printf 'v' | ./coffer secret put} or {@code {"value":"v"}}. */
    private static final Pattern STORED_VALUE = Pattern.compile("printf '([^']+)' \\| \\./coffer secret put|\"value\":\"([^\"]+)\"");

    private static List<DocBlock> runnable() {
        return DocBlocks.all().stream().filter(DocBlock::runnable).toList();
    }

    @Test
    void theQuickstartWithTheCliAndTheOneWithCurlAreRun() {
        List<DocBlock> blocks = runnable();
        assertTrue(blocks.stream().anyMatch(b -> b.file().equals(Path.of("README.md")) && b.text().contains("./coffer secret put")),
                "the README's CLI quickstart is marked runnable");
        assertTrue(blocks.stream().anyMatch(b -> b.text().contains("curl ")), "a curl quickstart is marked runnable");
    }

    @Test
    void everyRunnableBlockIsBashAndStopsOnTheFirstError() {
        for (DocBlock b : runnable()) {
            assertEquals("bash", b.language(), b.where());
            assertTrue(b.text().startsWith("set -euo pipefail\n"), b.where() + " starts with set -euo pipefail");
        }
    }

    /**
     * The tools a reader needs besides Java (the curl walkthrough uses curl and jq). Missing, the
     * walkthroughs are skipped with the reason, like the PostgreSQL tests; with {@code CI=true}
     * that is a failure.
     */
    private static void requireTools() {
        for (String tool : List.of("curl", "jq")) {
            boolean found = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                    .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, tool)));
            String reason = "the walkthroughs need " + tool + " on PATH";
            if (!found && "true".equals(System.getenv("CI"))) {
                throw new AssertionError(reason + " (CI=true)");
            }
            Assumptions.assumeTrue(found, reason);
        }
    }

    @TestFactory
    Stream<DynamicTest> eachRunnableBlockRunsAloneOnAFreshServer() {
        requireTools();
        return runnable().stream().map(b -> DynamicTest.dynamicTest(b.where(), () -> {
            try (TestServer server = TestServer.start(); ShellWorkspace workspace = new ShellWorkspace(server)) {
                ShellWorkspace.Result result = workspace.run(b.text());
                assertEquals(0, result.exit(), () -> b.where() + " failed:\n" + result.output());
            }
        }));
    }

    /** The server's log over the whole run holds none of the values the walkthroughs store. */
    @Test
    void theRunnableBlocksRunInReadingOrderOnOneServer() {
        requireTools();
        List<String> values = new ArrayList<>();
        for (DocBlock b : runnable()) {
            Matcher m = STORED_VALUE.matcher(b.text());
            while (m.find()) {
                values.add(m.group(1) != null ? m.group(1) : m.group(2));
            }
        }
        assertTrue(values.size() >= 5, "the walkthroughs store values: " + values);
        try (LogCapture log = LogCapture.start();
                TestServer server = TestServer.start(); ShellWorkspace workspace = new ShellWorkspace(server)) {
            for (DocBlock b : runnable()) {
                ShellWorkspace.Result result = workspace.run(b.text());
                assertEquals(0, result.exit(), () -> b.where() + " failed after the blocks before it:\n" + result.output());
            }
            String logged = log.text();
            assertFalse(logged.isEmpty(), "the server logged");
            for (String value : values) {
                assertFalse(logged.contains(value), "the server's log holds a value a walkthrough stored");
            }
        }
    }

    /** The harness itself: a failing command ends the block with its status, and later lines do not run. */
    @Test
    void aFailingCommandStopsTheBlock() {
        try (TestServer server = TestServer.start(); ShellWorkspace workspace = new ShellWorkspace(server)) {
            ShellWorkspace.Result result = workspace.run("set -euo pipefail\nexport COFFER_CLI_TOKEN_FILE=coffer-data/admin.token\n"
                    + "./coffer secret get prod/none/such\necho after\n");
            assertEquals(5, result.exit(), result.output());
            assertTrue(result.output().contains("SECRET_NOT_FOUND"), result.output());
            assertFalse(result.output().contains("after"), result.output());
        }
    }
}
