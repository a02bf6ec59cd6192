package dev.coffer.server.cli;

import dev.coffer.spi.access.Policy;
import dev.coffer.spi.error.ErrorCode;
import jakarta.json.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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
        Policy.requireName(name);
        Policy policy = PolicyFile.read(name, file);
        Session s = options.session();
        Policy saved = s.call((api, ctx) -> api.putPolicy(ctx, policy));
        options.out().print(JsonViews.policy(saved), "policy " + name + " saved");
        return ExitCodes.OK;
    }

    @Command(name = "get", description = "Show a policy as JSON (the form 'policy put' takes).", footerHeading = Coffer.EXAMPLE,
            footer = "  coffer policy get payments-read")
    int get(@Mixin ClientOptions options, @Parameters(paramLabel = "<name>", description = "The policy's name") String name) {
        Policy.requireName(name); // before any request: a name is one path segment of the route
        Session s = options.session();
        Optional<Policy> policy = s.call((api, ctx) -> api.getPolicy(ctx, name));
        if (policy.isEmpty()) {
            throw new CliException(ExitCodes.NOT_FOUND, ErrorCode.POLICY_NOT_FOUND + ": no policy named " + Table.clean(name)
                    + " [request " + s.ctx().requestId() + "]");
        }
        options.out().print(JsonViews.policy(policy.get()), Output.pretty(JsonViews.policy(policy.get())));
        return ExitCodes.OK;
    }

    @Command(name = "list", description = "List policies.", footerHeading = Coffer.EXAMPLE, footer = {"  coffer policy list", "  coffer policy list -o json"})
    int list(@Mixin ClientOptions options) {
        Session s = options.session();
        List<Policy> policies = s.call((api, ctx) -> api.listPolicies(ctx));
        Table table = new Table("NAME", "EFFECT", "PRINCIPALS", "ACTIONS", "RESOURCES", "CONDITIONS");
        for (Policy p : policies) {
            table.row(p.name(), p.effect().name().toLowerCase(java.util.Locale.ROOT), String.join(",", p.principals()),
                    String.join(",", p.actions()), String.join(",", p.resources()), conditions(p));
        }
        options.out().print(JsonViews.items(policies, JsonViews::policy), policies.isEmpty() ? "no policies" : table.toString());
        return ExitCodes.OK;
    }

    @Command(name = "delete", description = "Delete a policy.", footerHeading = Coffer.EXAMPLE, footer = "  coffer policy delete payments-read")
    int delete(@Mixin ClientOptions options, @Parameters(paramLabel = "<name>", description = "The policy's name") String name) {
        Policy.requireName(name);
        Session s = options.session();
        s.call((api, ctx) -> {
            api.deletePolicy(ctx, name);
            return null;
        });
        options.out().print(Json.createObjectBuilder().add("deleted", name).build(), "policy " + name + " deleted");
        return ExitCodes.OK;
    }

    private static String conditions(Policy p) {
        List<String> out = new java.util.ArrayList<>();
        if (p.conditions().mfa()) {
            out.add("mfa");
        }
        if (p.conditions().ticketRequired()) {
            out.add("ticket");
        }
        if (!p.conditions().sourceCidr().isEmpty()) {
            out.add("cidr " + String.join(",", p.conditions().sourceCidr()));
        }
        if (!p.conditions().sourceCluster().isEmpty()) {
            out.add("cluster " + String.join(",", p.conditions().sourceCluster()));
        }
        return out.isEmpty() ? null : String.join("; ", out);
    }
}
