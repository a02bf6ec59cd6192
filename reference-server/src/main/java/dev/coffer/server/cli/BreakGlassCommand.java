package dev.coffer.server.cli;

import dev.coffer.server.internal.Durations;
import dev.coffer.spi.access.BreakGlassGrant;
import dev.coffer.spi.access.BreakGlassRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code coffer break-glass ...}: emergency read access, bounded in time and audited. */
@Command(name = "break-glass", description = "Emergency read access: grant yourself a bounded, audited read of secrets no policy lets you read.",
        footerHeading = Coffer.EXAMPLE,
        footer = "  coffer break-glass grant 'prod/payments/*' --reason 'INC-42: payments down' --ticket https://tickets.example/INC-42 --duration 30m")
final class BreakGlassCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Without a subcommand: usage on stderr, exit 2. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand");
    }

    @Command(name = "grant", description = {"Grant the caller emergency read access to the resources for a while (at most "
            + BreakGlassRequest.MAX_DURATION_MINUTES / 60 + "h).",
        "Needs secrets:read-break-glass on every resource; never opens what a deny policy closes.",
        "Then read as usual ('coffer secret get'); each read is audited as BREAK_GLASS_READ with the grant's reason and ticket."},
            footerHeading = Coffer.EXAMPLE,
            footer = {"  coffer break-glass grant 'prod/payments/*' --reason 'INC-42: payments down' --ticket https://tickets.example/INC-42 --duration 30m",
                "  coffer secret get prod/payments/db-password"})
    int grant(@Mixin ClientOptions options,
            @Parameters(arity = "1..*", paramLabel = "<resource>", description = "Resource patterns, e.g. prod/payments/db-password or 'prod/payments/*'")
                    List<String> resources,
            @Option(names = "--duration", defaultValue = "1h", paramLabel = "<duration>",
                    description = "How long the grant lasts, whole minutes, e.g. 30m, 2h (default 1h, at most 4h)") String duration) {
        if (options.reason == null || options.ticket == null) {
            throw new CliException(ExitCodes.USAGE, "break-glass grant needs --reason and --ticket (the incident ticket); both are audited");
        }
        Duration d = Durations.parse("--duration", duration);
        if (d.toSeconds() % 60 != 0 || d.isZero()) {
            throw new CliException(ExitCodes.USAGE, "--duration is counted in whole minutes, e.g. 30m or 2h");
        }
        long minutes = d.toMinutes();
        BreakGlassRequest request = new BreakGlassRequest(resources, options.reason, options.ticket,
                (int) Math.min(minutes, Integer.MAX_VALUE));
        Session s = options.session();
        BreakGlassGrant grant = s.call((api, ctx) -> api.grantBreakGlass(ctx, request));
        options.out().print(JsonViews.grant(grant), "granted " + grant.id() + " to " + grant.principalId() + " until " + grant.expiresAt()
                + " on " + String.join(", ", grant.resources()) + "\nevery read under it is audited as BREAK_GLASS_READ (reason and ticket recorded)");
        return ExitCodes.OK;
    }
}
