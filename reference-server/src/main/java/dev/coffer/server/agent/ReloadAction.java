package dev.coffer.server.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Tells the application that a template's file changed or was revoked: runs the template's
 * command (environment {@code COFFER_EVENT=rendered|revoked}, {@code COFFER_DESTINATION=<path>},
 * killed after {@code command-timeout}) or sends its signal to the PID in the pid file. The
 * command's output is discarded (it may print what it read) and only its exit code is reported.
 *
 * <pre>{@code
 * ReloadAction.Result r = ReloadAction.run(spec, ReloadAction.Event.RENDERED);
 * }</pre>
 */
public final class ReloadAction {
    /** Why the application is told. */
    public enum Event {
        RENDERED, REVOKED;

        String word() {
            return this == RENDERED ? "rendered" : "revoked";
        }
    }

    /**
     * What happened.
     *
     * @param ran whether there was anything to run or send
     * @param ok whether it succeeded (exit 0, signal delivered)
     * @param detail for logs: exit code, timeout, or why the signal was not sent; never output
     */
    public record Result(boolean ran, boolean ok, String detail) {
        static final Result NOTHING = new Result(false, true, "nothing to run");
    }

    private ReloadAction() {}

    /** Runs {@code spec}'s command or sends its signal; returns at once when it has neither. */
    public static Result run(TemplateSpec spec, Event event) {
        if (!spec.command().isEmpty()) {
            return command(spec, event);
        }
        if (spec.signal() != null) {
            return signal(spec.signal());
        }
        return Result.NOTHING;
    }

    private static Result command(TemplateSpec spec, Event event) {
        ProcessBuilder builder = new ProcessBuilder(spec.command())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("COFFER_EVENT", event.word());
        builder.environment().put("COFFER_DESTINATION", spec.destination().toString());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new Result(true, false, "the command cannot start (" + e.getClass().getSimpleName() + ")");
        }
        try {
            if (!process.waitFor(spec.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                return new Result(true, false, "the command ran longer than " + spec.commandTimeout() + " and was killed");
            }
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(true, false, "interrupted; the command was killed");
        }
        int exit = process.exitValue();
        return new Result(true, exit == 0, "the command exited " + exit);
    }

    private static Result signal(SignalSpec signal) {
        long pid;
        try {
            byte[] bytes = Files.newInputStream(signal.pidFile()).readNBytes(64);
            pid = AgentConfigLoader.pid(new String(bytes, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return new Result(true, false, "the pid file " + signal.pidFile() + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        if (pid <= 1) {
            return new Result(true, false, "the pid file " + signal.pidFile() + " holds no process id");
        }
        Optional<ProcessHandle> target = ProcessHandle.of(pid);
        if (target.isEmpty()) {
            return new Result(true, false, "no process " + pid + " (from " + signal.pidFile() + ")");
        }
        if (signal.name().equals("TERM")) {
            return new Result(true, target.get().destroy(), "SIGTERM to " + pid);
        }
        if (signal.name().equals("KILL")) {
            return new Result(true, target.get().destroyForcibly(), "SIGKILL to " + pid);
        }
        try {
            Process kill = new ProcessBuilder("kill", "-s", signal.name(), Long.toString(pid))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                return new Result(true, false, "kill -s " + signal.name() + " " + pid + " did not finish");
            }
            return new Result(true, kill.exitValue() == 0, "kill -s " + signal.name() + " " + pid + " exited " + kill.exitValue());
        } catch (IOException e) {
            return new Result(true, false, "kill cannot start (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(true, false, "interrupted");
        }
    }
}
