package dev.coffer.server.cli;

import dev.coffer.server.internal.EnvFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code coffer run [--env-file F] -- <command> [args]}: starts a command with the secrets its
 * environment references, resolved just in time. Every variable (inherited, or from
 * {@code --env-file}) whose value is {@code coffer://<environment>/<path>[#alias|@version]} is
 * replaced by the secret's value; nothing is written to disk.
 *
 * <pre>
 * export DB_PASSWORD=coffer://prod/payments/db-password
 * coffer run -- ./start-app.sh
 * coffer run --env-file app.env -- java -jar app.jar
 * </pre>
 *
 * <ul>
 *   <li>All or nothing: a malformed, missing or forbidden reference fails before the command
 *       starts, naming the variable and the path (never a value), with the exit code of
 *       {@link ExitCodes}. At most {@link EnvReferences#MAX_REFERENCES} references, read
 *       {@link EnvReferences#CONCURRENCY} at a time.</li>
 *   <li>Java cannot {@code exec()}: the command runs as a child with coffer's standard input,
 *       output and error, coffer waits and exits with the child's exit code. On SIGTERM, SIGINT or
 *       SIGHUP coffer destroys the child (SIGTERM), waits up to 10 s (then SIGKILL) and exits 128+signal as the
 *       JVM does. A child that cannot be started exits {@link ExitCodes#CANNOT_START}.</li>
 *   <li>The CLI's own token ({@code COFFER_CLI_TOKEN}, {@code COFFER_CLI_TOKEN_FILE}) is not
 *       passed to the command: it gets the secrets it references, not the caller's credential.</li>
 *   <li>{@code --env-file} variables override inherited ones of the same name; the file format is
 *       in {@link dev.coffer.server.internal.EnvFile}.</li>
 * </ul>
 */
@Command(name = "run", description = {"Run a command with the coffer:// references of its environment resolved.",
    "Variables (inherited or from --env-file) whose value is coffer://<environment>/<path>[#alias|@version] get the secret's value;",
    "any reference that cannot be read fails before the command starts. Exits with the command's exit code."},
        footerHeading = Coffer.EXAMPLE, footer = {"  DB_PASSWORD=coffer://prod/payments/db-password coffer run -- ./start-app.sh",
            "  coffer run --env-file app.env -- java -jar app.jar"})
final class RunCommand implements Callable<Integer> {
    /** How long a child told to stop may take before it is killed. */
    static final long STOP_GRACE_SECONDS = 10;

    private final Map<String, String> environment;

    @Mixin
    ClientOptions options;

    @Option(names = "--env-file", paramLabel = "<file>", description = "Add (and override) variables from this .env file")
    Path envFile;

    @Parameters(paramLabel = "<command>", arity = "1..*", description = "The command and its arguments (after --)")
    List<String> command;

    /** A run over the process environment. */
    RunCommand() {
        this(System.getenv());
    }

    /** A run whose inherited environment is {@code environment} (tests run the CLI in-process with it). */
    RunCommand(Map<String, String> environment) {
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> env = new LinkedHashMap<>(environment);
        if (envFile != null) {
            try {
                env.putAll(EnvFile.read(envFile, "--env-file " + envFile));
            } catch (EnvFile.Invalid e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            }
        }
        EnvReferences refs = EnvReferences.find(env);
        if (!refs.isEmpty()) {
            Session s = options.session();
            env.putAll(refs.resolve(s.api(), s.ctx()));
        }
        ClientOptions.ENV_NAMES.stream().filter(n -> !n.equals(ClientOptions.ENV_URL)).forEach(env::remove);
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().clear();
        builder.environment().putAll(env);
        env.clear();
        return runChild(builder);
    }

    private int runChild(ProcessBuilder builder) throws InterruptedException {
        Process child;
        // Registered before the start, so a signal arriving meanwhile still reaches the child.
        ChildStopper stopper = new ChildStopper();
        Thread hook = new Thread(stopper, "coffer-run-stop-child");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            try {
                child = builder.start();
            } catch (IOException e) {
                throw new CliException(ExitCodes.CANNOT_START, "cannot start '" + dev.coffer.spi.internal.Messages.printable(command.get(0))
                        + "' (" + e.getClass().getSimpleName() + ")");
            }
            stopper.child = child;
            return child.waitFor();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run: it stops the child
            }
        }
    }

    /** The shutdown hook: SIGTERM/SIGINT/SIGHUP to coffer stop the child, and coffer waits for it. */
    private static final class ChildStopper implements Runnable {
        volatile Process child;

        @Override
        public void run() {
            Process p = child;
            if (p == null || !p.isAlive()) {
                return;
            }
            p.destroy();
            try {
                if (!p.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
