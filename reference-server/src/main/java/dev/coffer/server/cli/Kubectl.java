package dev.coffer.server.cli;

import dev.coffer.spi.internal.Durations;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code kubectl <verb> -f - [args]} with the manifests on its stdin, so that values go from
 * this process to kubectl's memory and never to a file; kubectl's own output and errors pass
 * through. The kubectl is {@code --kubectl}, else {@code $COFFER_KUBECTL}, else {@code kubectl}
 * on the PATH.
 *
 * <pre>{@code
 * int exit = Kubectl.of(null, System.getenv("COFFER_KUBECTL")).run("apply", List.of("--context", "staging"), yaml, Duration.ofMinutes(5));
 * }</pre>
 */
final class Kubectl {
    private final String executable;

    private Kubectl(String executable) {
        this.executable = executable;
    }

    /** The kubectl to run: {@code given}, else {@code fromEnv} ({@code $COFFER_KUBECTL}), else {@code kubectl}. */
    static Kubectl of(String given, String fromEnv) {
        if (given != null && !given.isBlank()) {
            return new Kubectl(given);
        }
        return new Kubectl(fromEnv != null && !fromEnv.isBlank() ? fromEnv : "kubectl");
    }

    /** {@code --timeout} as a duration: positive, at most a day. */
    static Duration timeout(String text) {
        Duration d;
        try {
            d = Durations.parse("--timeout", text);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
        if (d.isZero() || d.isNegative() || d.compareTo(Duration.ofDays(1)) > 0) {
            throw new CliException(ExitCodes.USAGE, "--timeout must be more than 0 and at most 1d");
        }
        return d;
    }

    /**
     * Runs {@code kubectl verb -f - args...}, writes {@code manifests} to its stdin and returns its
     * exit code ({@code diff}: 0 no change, 1 changes). A kubectl that cannot start or outlives
     * {@code timeout} (whether or not it reads its stdin) is an error.
     */
    int run(String verb, List<String> args, String manifests, Duration timeout) {
        List<String> command = new ArrayList<>(List.of(executable, verb, "-f", "-"));
        command.addAll(args);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new CliException(ExitCodes.CANNOT_START, "cannot run " + executable + " (" + e.getMessage()
                    + "): install kubectl, or name it with --kubectl or $" + K8sCommand.ENV_KUBECTL);
        }
        // Fed from a thread of its own, so that the timeout also bounds a kubectl that stops reading:
        // more manifest than a pipe holds (64 KiB on Linux) would block this thread in write() forever.
        byte[] bytes = manifests.getBytes(StandardCharsets.UTF_8);
        Thread feeder = new Thread(() -> {
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(bytes);
            } catch (IOException e) {
                // kubectl ended (or was stopped) before reading everything: its exit code and stderr say why
            }
        }, "kubectl-stdin");
        feeder.setDaemon(true);
        feeder.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                // Ending kubectl closes the pipe's other end: the feeder's write fails and it ends too.
                process.destroyForcibly();
                throw new CliException(ExitCodes.UNAVAILABLE, executable + " " + verb + " did not finish within " + Times.format(timeout)
                        + " and was stopped");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.INTERNAL, "interrupted while " + executable + " " + verb + " ran");
        }
        int exit = process.exitValue();
        boolean diffFoundChanges = verb.equals("diff") && exit == 1;
        if (exit != 0 && !diffFoundChanges) {
            throw new CliException(exit, executable + " " + verb + " exited " + exit);
        }
        return exit;
    }
}
