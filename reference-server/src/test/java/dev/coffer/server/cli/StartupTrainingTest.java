package dev.coffer.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The class-data sharing archive's training walks a client command to the server's answer and back
 * (its own loopback socket answers 404 SECRET_NOT_FOUND), then the whole command tree, and prints nothing.
 */
class StartupTrainingTest {

    @Test
    void trainingRunsAClientCommandToTheServersAnswerAndTheHelpQuietly() throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<Integer> exits;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
            exits = StartupTraining.train();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertEquals(List.of(ExitCodes.NOT_FOUND, ExitCodes.OK), exits, "secret get reached the answer; --help ran");
        assertEquals("", printed.toString(StandardCharsets.UTF_8));
        assertEquals(out, System.out, "standard output is given back");
    }
}
