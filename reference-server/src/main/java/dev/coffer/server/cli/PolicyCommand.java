package dev.coffer.server.cli;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code coffer policy ...}: the tenant's policies (needs {@code secrets:admin}). */
@Command(name = "policy", description = "Put, get, list and delete policies.",
        footerHeading = Coffer.EXAMPLE, footer = "  coffer policy put payments-read --file payments-read.json")
final class PolicyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Without a subcommand: usage on stderr, exit 2. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand");
    }

    @Command(name = "put", description = "Create or replace a policy from JSON on standard input or in --file.",
            footerHeading = Coffer.EXAMPLE, footer = {"  coffer policy put payments-read --file payments-read.json", "  coffer policy put payments-read < payments-read.json"})
    int put(@Mixin ClientOptions options, @Parameters(paramLabel = "<name>", description = "The policy's name") String name,
            @Option(names = "--file", paramLabel = "<file>", description = "Policy JSON file ({effect, principals, actions, resources, conditions})") Path file) {
        JsonObject policy = options.client().put("v1/policies/" + ApiClient.segment(name), readJson(file));
        options.out().print(policy, "policy " + name + " saved");
        return ExitCodes.OK;
    }

    @Command(name = "get", description = "Show a policy as JSON.", footerHeading = Coffer.EXAMPLE, footer = "  coffer policy get payments-read")
    int get(@Mixin ClientOptions options, @Parameters(paramLabel = "<name>", description = "The policy's name") String name) {
        JsonObject policy = options.client().get("v1/policies/" + ApiClient.segment(name), null);
        options.out().print(policy, Output.pretty(policy));
        return ExitCodes.OK;
    }

    @Command(name = "list", description = "List policies.", footerHeading = Coffer.EXAMPLE, footer = "  coffer policy list -o json")
    int list(@Mixin ClientOptions options) {
        JsonObject page = options.client().get("v1/policies", null);
        StringBuilder text = new StringBuilder();
        for (JsonValue v : page.getJsonArray("items")) {
            JsonObject p = v.asJsonObject();
            text.append(String.format("%-32s %-5s %s -> %s on %s%n", p.getString("name"), p.getString("effect"),
                    p.getJsonArray("principals"), p.getJsonArray("actions"), p.getJsonArray("resources")));
        }
        options.out().print(page, text.toString().stripTrailing());
        return ExitCodes.OK;
    }

    @Command(name = "delete", description = "Delete a policy.", footerHeading = Coffer.EXAMPLE, footer = "  coffer policy delete payments-read")
    int delete(@Mixin ClientOptions options, @Parameters(paramLabel = "<name>", description = "The policy's name") String name) {
        options.client().delete("v1/policies/" + ApiClient.segment(name), null);
        options.out().print(Json.createObjectBuilder().add("deleted", name).build(), "policy " + name + " deleted");
        return ExitCodes.OK;
    }

    private static JsonObject readJson(Path file) {
        try (InputStream in = file == null ? System.in : Files.newInputStream(file); JsonReader reader = Json.createReader(in)) {
            return reader.readObject();
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read the policy" + (file == null ? " from standard input" : " file " + file));
        } catch (JsonException e) {
            throw new CliException(ExitCodes.USAGE, "the policy is not a JSON object");
        }
    }
}
