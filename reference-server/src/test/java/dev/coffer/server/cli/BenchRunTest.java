package dev.coffer.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coffer bench} end to end, tiny: a real server in a child JVM (H2), five secrets, the Java driver,
 * two connections and the 401 floor. The table has both rows with figures above zero and no failure,
 * the file of {@code --out} holds the same table, and nothing is left behind: no process, no directory.
 * Speed is not asserted.
 */
class BenchRunTest {
    private static final Pattern ROW = Pattern.compile("(?m)^\\| (H2 audited read|401 floor \\(same GET, no token\\)) \\| (\\d+) \\| ([\\d,]+) \\| ([\\d.,]+) \\| ([\\d.,]+) \\| ([\\d.,]+) \\| — \\| ([\\d.,]+) \\|");

    @TempDir
    Path tmp;

    @Test
    void aTinyRunPrintsTheRowsAndLeavesNothingBehind() throws Exception {
        Set<Long> before = children();
        Path out = Files.createTempFile(tmp, "bench", ".md");
        Path work = Files.createDirectory(tmp.resolve("work"));
        CliRun run = CliRun.run(Map.of(), null, "bench", "--duration", "2s", "--warmup", "1s", "--connections", "2", "--secrets", "5",
                "--no-pg", "--driver", "java", "--tmp", work.toString(), "--out", out.toString());
        assertEquals(ExitCodes.OK, run.exit(), run.err() + run.out());
        Matcher rows = ROW.matcher(run.out());
        int found = 0;
        while (rows.find()) {
            found++;
            String which = rows.group(1);
            assertEquals(which.startsWith("H2") ? "2" : "16", rows.group(2), which);
            for (int g = 3; g <= 7; g++) {
                assertTrue(Double.parseDouble(rows.group(g).replace(",", "")) > 0, which + " column " + g + ": " + rows.group(g));
            }
        }
        assertEquals(2, found, run.out());
        assertFalse(run.out().contains("FAILED"), run.out());
        assertTrue(run.out().contains("PostgreSQL: not measured (--no-pg)"), run.out());
        assertTrue(run.out().contains("driver: Java (JDK HttpClient"), run.out());
        assertTrue(run.out().contains("H2 audited reads/s / 401 floor: n/a"), "no 16-connection read row, so no ratio: " + run.out());
        assertEquals(run.out(), Files.readString(out, StandardCharsets.UTF_8));
        try (Stream<Path> left = Files.list(work)) {
            assertEquals(List.of(), left.toList(), "the private directory (keys, tokens) was removed");
        }
        assertEquals(before, children(), "every server the run started is gone");
    }

    private static Set<Long> children() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).collect(Collectors.toSet());
    }
}
