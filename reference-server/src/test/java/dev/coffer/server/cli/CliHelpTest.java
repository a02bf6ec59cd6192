package dev.coffer.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Every command and group of {@code coffer}, found by walking the command tree (so a command added
 * later is checked too), answers {@code --help}, {@code -h} and {@code help <names...>} with its own
 * usage and exit 0, with named parameters, a description for every option and positional, and an example.
 */
class CliHelpTest {

    @Test
    void everyCommandAndGroupHasCompleteHelp() {
        List<String> failures = new ArrayList<>();
        walk(Coffer.commandLine(name -> null), new ArrayList<>(), failures);
        assertEquals(List.of(), failures, String.join("\n", failures));
    }

    @Test
    void helpForAnUnknownCommandIsAUsageError() {
        CliRun run = CliRun.run(Map.of(), null, "help", "secret", "nosuch");
        assertEquals(ExitCodes.USAGE, run.exit(), run.toString());
        assertTrue(run.err().contains("secret nosuch"), run.err());
    }

    private static void walk(CommandLine command, List<String> path, List<String> failures) {
        String name = String.join(" ", Stream.concat(Stream.of("coffer"), path.stream()).toList());
        for (String flag : List.of("--help", "-h")) {
            List<String> args = new ArrayList<>(path);
            args.add(flag);
            checkUsage(name, CliRun.run(Map.of(), null, args.toArray(String[]::new)), name + " " + flag, failures);
        }
        if (!path.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("help"));
            args.addAll(path);
            checkUsage(name, CliRun.run(Map.of(), null, args.toArray(String[]::new)), "coffer help " + String.join(" ", path), failures);
        }
        CommandSpec spec = command.getCommandSpec();
        List<ArgSpec> args = new ArrayList<>(spec.options());
        args.addAll(spec.positionalParameters());
        for (ArgSpec arg : args) {
            if (String.join("", arg.description()).isBlank()) {
                failures.add(name + ": no description for " + arg.paramLabel()
                        + (arg instanceof CommandLine.Model.OptionSpec o ? " (" + o.longestName() + ")" : ""));
            }
        }
        command.getSubcommands().forEach((sub, child) -> {
            List<String> next = new ArrayList<>(path);
            next.add(sub);
            walk(child, next, failures);
        });
    }

    private static void checkUsage(String name, CliRun run, String invocation, List<String> failures) {
        String firstLine = run.out().lines().findFirst().orElse("");
        if (run.exit() != 0) {
            failures.add(invocation + ": exit " + run.exit() + " " + run.err().lines().findFirst().orElse(""));
        } else if (!(firstLine.equals("Usage: " + name) || firstLine.startsWith("Usage: " + name + " "))) {
            failures.add(invocation + ": not its own usage: " + firstLine);
        } else if (run.out().contains("<arg")) {
            failures.add(invocation + ": unnamed parameter in usage");
        } else {
            int example = run.out().indexOf("Example:");
            if (example < 0 || !run.out().substring(example).contains(name + (name.equals("coffer") ? " " : ""))) {
                failures.add(invocation + ": no example of " + name);
            }
        }
    }
}
