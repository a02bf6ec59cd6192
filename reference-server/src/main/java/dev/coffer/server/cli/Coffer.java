package dev.coffer.server.cli;

import dev.coffer.spi.error.SecretsException;
import java.io.PrintWriter;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The {@code coffer} command: {@code serve}, {@code secret}, {@code policy}, {@code audit},
 * {@code rotation}, {@code break-glass}, {@code token}, {@code watch}, {@code agent}, {@code run}, {@code k8s} and {@code bench}. Errors go to stderr as {@code coffer: <CODE> ...}; exit codes are in {@link ExitCodes}.
 *
 * <pre>
 * ./coffer serve
 * export COFFER_CLI_TOKEN_FILE=coffer-data/admin.token
 * ./coffer secret create prod/db/password --owner-team payments
 * printf 's3cr3t' | ./coffer secret put prod/db/password
 * ./coffer secret get prod/db/password
 * </pre>
 */
// scope = INHERIT gives every subcommand -h/--help (and -V/--version, except where a command has
// its own --version, like 'secret get', which declares -h/--help itself); HelpCommand resolves nested names.
// The subcommands are not in the annotation: picocli would build all of them on every run (see SUBCOMMANDS).
@Command(name = "coffer", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "coffer 0.1.0-SNAPSHOT",
        description = "Coffer: secrets management. Run the server, manage secrets and policies, read the audit log.",
        footerHeading = Coffer.EXAMPLE, footer = {"  coffer serve", "  coffer help secret get"})
public final class Coffer implements Callable<Integer> {
    /** The heading of every command's example footer. */
    static final String EXAMPLE = "%nExample:%n";

    /**
     * The subcommands, in the order the usage lists them. picocli reflects over every command it is
     * given, options and all, before it parses anything: with the whole tree registered that was the
     * largest part of a client command's own start-up work. A run gets the commands its arguments name (see {@link #forArguments});
     * anything else (no arguments, {@code --help}, {@code help ...}, a typo) gets the whole tree.
     */
    private static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

    @Spec
    CommandSpec spec;

    /** Without a subcommand: usage on stderr, exit 2. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand");
    }

    private Coffer() {}

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        int exit = run(args);
        releaseSelectorThreads();
        System.exit(exit);
    }

    /**
     * Ends the JDK HTTP client's selector threads, which wait in native code (epoll) for the next
     * event: the JVM's exit waits up to 300 ms for threads in native to come back, a third of a client
     * command's wall time. JDK 17's HttpClient has no close(); an interrupt ends its selector loop.
     * Only for a process about to exit: the command has finished with the client.
     */
    static void releaseSelectorThreads() {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread != Thread.currentThread() && thread.getName().startsWith("HttpClient-")
                    && thread.getName().endsWith("-SelectorManager")) {
                thread.interrupt();
                try {
                    thread.join(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Runs the command line and returns its exit code. */
    public static int run(String... args) {
        return run(System::getenv, args);
    }

    /**
     * Runs the command line with client commands reading their variables ({@link ClientOptions#ENV_NAMES})
     * from {@code env} instead of the process environment; tests run the CLI in-process with it.
     */
    static int run(Function<String, String> env, String... args) {
        return run(env, System.getenv(), args);
    }

    /**
     * Runs the command line with {@code environment} standing in for the whole process environment:
     * the client variables and the environment {@code coffer run} passes on (tests).
     */
    static int run(Map<String, String> environment, String... args) {
        return run(environment::get, environment, args);
    }

    private static int run(Function<String, String> env, Map<String, String> environment, String... args) {
        CommandLine cli = forArguments(env, environment, args);
        CommandLine run = cli.getSubcommands().get("run");
        if (run != null) {
            // 'coffer run ls -l': everything from the command on is the command's, '--' or not.
            run.setStopAtPositional(true);
        }
        cli.setExecutionExceptionHandler(Coffer::onError);
        cli.setErr(new PrintWriter(System.err, true));
        return cli.execute(args);
    }

    /** The whole command tree, every subcommand registered, client commands reading {@code env}. */
    static CommandLine commandLine(Function<String, String> env) {
        return commandLine(env, System.getenv());
    }

    private static CommandLine commandLine(Function<String, String> env, Map<String, String> environment) {
        return tree(env, environment, SUBCOMMANDS.keySet().toArray(String[]::new));
    }

    /**
     * The commands {@code args} can reach: the subcommand {@code args[0]} names, and of a group
     * ({@code secret}) only the command {@code args[1]} names when that is a command class of its own
     * and the group has no options to parse; the whole tree when {@code args[0]} names none.
     */
    private static CommandLine forArguments(Function<String, String> env, Map<String, String> environment, String... args) {
        Class<?> named = args.length == 0 ? null : SUBCOMMANDS.get(args[0]);
        if (named == null || named == HelpCommand.class) {
            return commandLine(env, environment);
        }
        CommandLine root = tree(env, environment);
        Class<?> leaf = args.length > 1 && withoutOptions(named) ? commandClass(named, args[1]) : null;
        if (leaf == null) {
            root.addSubcommand(args[0], named);
            return root;
        }
        // The group as a bare command: inspecting it would build every one of its commands too.
        Object group;
        try {
            group = root.getFactory().create(named);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + named.getName(), e);
        }
        CommandLine groupLine = new CommandLine(CommandSpec.wrapWithoutInspection(group), root.getFactory());
        root.addSubcommand(args[0], groupLine);
        groupLine.addSubcommand(args[1], leaf);
        return root;
    }

    /** The command class among {@code group}'s declared subcommand classes whose name is {@code name}, or null. */
    private static Class<?> commandClass(Class<?> group, String name) {
        for (Class<?> sub : group.getAnnotation(Command.class).subcommands()) {
            Command command = sub.getAnnotation(Command.class);
            if (command != null && (command.name().equals(name) || Arrays.asList(command.aliases()).contains(name))) {
                return sub;
            }
        }
        return null;
    }

    /** Whether {@code group} declares no options, parameters or mixins of its own (a bare group can parse none). */
    private static boolean withoutOptions(Class<?> group) {
        for (Field field : group.getDeclaredFields()) {
            if (field.isAnnotationPresent(Option.class) || field.isAnnotationPresent(Parameters.class)
                    || field.isAnnotationPresent(Mixin.class) || field.isAnnotationPresent(ArgGroup.class)) {
                return false;
            }
        }
        return true;
    }

    /** The root command with the subcommands {@code names} only. */
    private static CommandLine tree(Function<String, String> env, Map<String, String> environment, String... names) {
        Factory factory = new Factory(env, environment);
        CommandLine cli = new CommandLine(new Coffer(), factory);
        for (String name : names) {
            cli.addSubcommand(name, SUBCOMMANDS.get(name));
        }
        return cli;
    }

    private static Map<String, Class<?>> subcommands() {
        Map<String, Class<?>> commands = new LinkedHashMap<>();
        commands.put("serve", ServeCommand.class);
        commands.put("secret", SecretCommand.class);
        commands.put("policy", PolicyCommand.class);
        commands.put("rotation", RotationCommand.class);
        commands.put("watch", WatchCommand.class);
        commands.put("audit", AuditCommand.class);
        commands.put("break-glass", BreakGlassCommand.class);
        commands.put("token", TokenCommand.class);
        commands.put("agent", AgentCommand.class);
        commands.put("run", RunCommand.class);
        commands.put("k8s", K8sCommand.class);
        commands.put("bench", BenchCommand.class);
        commands.put("help", HelpCommand.class);
        return Collections.unmodifiableMap(commands);
    }

    /**
     * Creates {@link ClientOptions} over the given variables and {@link RunCommand} over the given
     * environment, everything else as picocli does.
     */
    private record Factory(Function<String, String> env, Map<String, String> environment) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            if (type == ClientOptions.class) {
                return type.cast(new ClientOptions(env));
            }
            if (type == K8sOptions.class) {
                return type.cast(new K8sOptions(env, environment));
            }
            if (type == RunCommand.class) {
                return type.cast(new RunCommand(environment));
            }
            return CommandLine.defaultFactory().create(type);
        }
    }

    private static int onError(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        if (e instanceof CliException cli) {
            command.getErr().println("coffer: " + cli.getMessage());
            return cli.exitCode();
        }
        if (e instanceof SecretsException s) {
            command.getErr().println("coffer: " + s.code() + ": " + s.getMessage());
            return ExitCodes.forStatus(s.code().httpStatus());
        }
        // Library messages may quote input; name the failure only, unless COFFER_DEBUG asks for the trace.
        if (System.getenv("COFFER_DEBUG") != null) {
            e.printStackTrace(command.getErr());
        }
        command.getErr().println("coffer: unexpected " + e.getClass().getSimpleName() + " (exit " + ExitCodes.INTERNAL + ")");
        return ExitCodes.INTERNAL;
    }
}
