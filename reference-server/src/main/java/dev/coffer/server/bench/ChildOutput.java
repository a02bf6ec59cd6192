package dev.coffer.server.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Runs a tool (wrk, pgbench) to its end with a deadline, its output in a file of the run's private directory. */
final class ChildOutput {
    /** The tools running now; a shutdown (Ctrl-C) stops them, as the run's {@link Cleanup} stops its servers. */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(ChildOutput::kill), "coffer-bench-tools"));
    }

    private ChildOutput() {}

    /**
     * The tool's standard output and error, together.
     *
     * @param command the command
     * @param dir where the output file goes (removed after)
     * @param limit how long the tool may take before it is killed
     * @param env extra variables
     * @throws IllegalStateException when it cannot start, runs over {@code limit} or exits non-zero
     */
    static String run(List<String> command, Path dir, Duration limit, java.util.Map<String, String> env) throws InterruptedException {
        Path out = null;
        Process process = null;
        try {
            out = Files.createTempFile(dir, "tool", ".out");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
            builder.environment().putAll(env);
            process = builder.start();
            RUNNING.add(process);
            process.getOutputStream().close();
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(command.get(0) + " " + name(command) + " ran over " + limit.toSeconds() + "s and was stopped");
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(name(command) + " exited " + process.exitValue() + ": " + tail(text));
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + name(command) + ": " + e.getMessage(), e);
        } finally {
            if (process != null) {
                RUNNING.remove(process);
                if (process.isAlive()) {
                    kill(process);
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException e) {
                    // The private directory is removed at the end of the run anyway.
                }
            }
        }
    }

    /** Kills a tool and what it started (wrk under bash). */
    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** The tool's name: the first word of a {@code bash -c} script, else the command. */
    private static String name(List<String> command) {
        String first = command.size() > 2 && command.get(1).equals("-c") ? command.get(2) : command.get(0);
        return first.strip().split("\\s+", 2)[0];
    }

    private static String tail(String text) {
        String t = text.strip();
        return t.length() > 400 ? "..." + t.substring(t.length() - 400) : t;
    }
}
