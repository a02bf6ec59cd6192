package dev.coffer.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code coffer bench}'s bounds: each refused with a message naming the option and its bound, exit 2, before anything starts. */
class BenchCommandTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of(List.of("--connections", "0"), "--connections must be 1 to 256, got 0"),
                Arguments.of(List.of("--connections", "16,257"), "--connections must be 1 to 256, got 257"),
                Arguments.of(List.of("--connections", "1,2,3,4,5,6,7,8,9"), "--connections takes 1 to 8 counts, got 9"),
                Arguments.of(List.of("--connections", "16,16"), "--connections names a count twice: [16, 16]"),
                Arguments.of(List.of("--duration", "11m"), "--duration must be 1s to 10m, got 11m"),
                Arguments.of(List.of("--duration", "0"), "--duration must be 1s to 10m, got 0"),
                Arguments.of(List.of("--duration", "1500ms"), "--duration must be whole seconds (wrk and pgbench count in seconds), got 1500ms"),
                Arguments.of(List.of("--warmup", "soon"), "--warmup='soon' is not a duration"),
                Arguments.of(List.of("--warmup", "601s"), "--warmup must be 0 to 10m, got 601s"),
                Arguments.of(List.of("--secrets", "0"), "--secrets must be 1 to 1000000, got 0"),
                Arguments.of(List.of("--secrets", "1000001"), "--secrets must be 1 to 1000000, got 1000001"),
                Arguments.of(List.of("--large", "500"), "--large must be more than --secrets (1000) and at most 1000000, got 500"),
                Arguments.of(List.of("--instances", "5"), "--instances must be 1 to 4, got 5"),
                Arguments.of(List.of("--driver", "ab"), "--driver must be auto, wrk or java, got ab"),
                Arguments.of(List.of("--pg-url", "jdbc:mysql://127.0.0.1/"), "--pg-url must be jdbc:postgresql://host:port/"),
                Arguments.of(List.of("--pg-user", "x;drop"), "--pg-user must be a plain PostgreSQL name"),
                Arguments.of(List.of("--before-jar", "/nonexistent/coffer.jar"), "--before-jar: no such file /nonexistent/coffer.jar"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void anOptionOutOfBoundsIsAUsageErrorAndStartsNothing(List<String> option, String message) throws IOException {
        List<String> args = new ArrayList<>(List.of("bench", "--tmp", tmp.toString()));
        args.addAll(option);
        CliRun run = CliRun.run(Map.of(), null, args.toArray(String[]::new));
        assertEquals(ExitCodes.USAGE, run.exit(), run.err());
        assertTrue(run.err().contains(message), run.err());
        assertEquals("", run.out());
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "nothing was created");
        }
    }
}
