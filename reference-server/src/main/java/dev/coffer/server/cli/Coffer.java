package dev.coffer.server.cli;

import dev.coffer.spi.error.SecretsException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The {@code coffer} command: {@code serve}, {@code secret}, {@code policy}, {@code audit},
 * {@code break-glass} and {@code token}. Errors go to stderr as {@code coffer: <CODE> ...}; exit codes are in {@link ExitCodes}.
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
@Command(name = "coffer", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "coffer 0.1.0-SNAPSHOT",
        description = "Coffer: secrets management. Run the server, manage secrets and policies, read the audit log.",
        footerHeading = Coffer.EXAMPLE, footer = {"  coffer serve", "  coffer help secret get"},
        subcommands = {ServeCommand.class, SecretCommand.class, PolicyCommand.class, AuditCommand.class, BreakGlassCommand.class,
            TokenCommand.class, HelpCommand.class})
public final class Coffer implements Callable<Integer> {
    /** The heading of every command's example footer. */
    static final String EXAMPLE = "%nExample:%n";

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
        System.exit(run(args));
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
        CommandLine cli = new CommandLine(new Coffer(), new Factory(env));
        cli.setExecutionExceptionHandler(Coffer::onError);
        cli.setErr(new PrintWriter(System.err, true));
        return cli.execute(args);
    }

    /** Creates {@link ClientOptions} over the given environment, everything else as picocli does. */
    private record Factory(Function<String, String> env) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            if (type == ClientOptions.class) {
                return type.cast(new ClientOptions(env));
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
