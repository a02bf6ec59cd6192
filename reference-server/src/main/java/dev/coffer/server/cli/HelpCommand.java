package dev.coffer.server.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.IHelpCommandInitializable2;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code coffer help [<command>...]}: the usage of the command the names lead to, however deep
 * ({@code coffer help secret get}). picocli's own {@link CommandLine.HelpCommand} resolves the first
 * name only, so {@code help secret get} would show the {@code secret} group's usage.
 */
@Command(name = "help", helpCommand = true, description = "Show the usage of a command or group and exit.",
        footerHeading = Coffer.EXAMPLE, footer = {"  coffer help secret get", "  coffer help token mint"})
final class HelpCommand implements IHelpCommandInitializable2, Runnable {

    @Parameters(arity = "0..*", paramLabel = "<command>", description = "The command's names, e.g. secret get (none: the root usage)")
    List<String> names = new ArrayList<>();

    private CommandLine self;
    private ColorScheme colors;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, ColorScheme colorScheme, PrintWriter outWriter, PrintWriter errWriter) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = outWriter;
    }

    @Override
    public void run() {
        CommandLine target = self.getParent();
        List<String> walked = new ArrayList<>();
        for (String name : names) {
            CommandLine next = target.getSubcommands().get(name);
            walked.add(name);
            if (next == null) {
                throw new ParameterException(self, "Unknown command: " + String.join(" ", walked));
            }
            target = next;
        }
        target.usage(out, colors);
    }
}
