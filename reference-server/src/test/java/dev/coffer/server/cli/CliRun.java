package dev.coffer.server.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Runs the {@code coffer} command in-process: {@code env} stands in for the process environment,
 * standard input, output and error are swapped for the call (the tests of a class run one at a time).
 *
 * @param exit the exit code
 * @param out what it printed on standard output
 * @param err what it printed on standard error
 */
record CliRun(int exit, String out, String err) {

    static CliRun run(Map<String, String> env, String stdin, String... args) {
        return capture(stdin, () -> Coffer.run(env::get, args));
    }

    /** Runs with {@code environment} as the whole process environment (what {@code env} connectors and {@code coffer run} read). */
    static CliRun runIn(Map<String, String> environment, String... args) {
        return capture(null, () -> Coffer.run(environment, args));
    }

    private static CliRun capture(String stdin, java.util.function.IntSupplier command) {
        InputStream in = System.in;
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream(stdin == null ? new byte[0] : stdin.getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            int exit = command.getAsInt();
            return new CliRun(exit, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(in);
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Override
    public String toString() {
        return "exit " + exit + ", stderr: " + err;
    }
}
