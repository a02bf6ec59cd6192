package dev.coffer.server.cli;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code coffer audit ...}: query, summarize and verify the audit log (needs {@code secrets:audit}). */
@Command(name = "audit", description = "Query, summarize and verify the audit log.",
        footerHeading = Coffer.EXAMPLE, footer = "  coffer audit query prod/db/password --since 2026-01-01T00:00:00Z")
final class AuditCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Without a subcommand: usage on stderr, exit 2. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand");
    }

    @Command(name = "query", description = "List audit events, oldest first.",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer audit query prod/db/password --type SECRET_READ --limit 20")
    int query(@Mixin ClientOptions options,
            @Parameters(arity = "0..1", paramLabel = "<environment>/<path>", description = "Only events of this secret (default: all)") String name,
            @Option(names = "--principal", paramLabel = "<kind>:<name>", description = "Only events of this principal, e.g. user:alice") String principal,
            @Option(names = "--type", paramLabel = "<type>", description = "Only this event type, e.g. SECRET_READ, ACCESS_DENIED") String type,
            @Option(names = "--decision", paramLabel = "<decision>", description = "Only this decision: ALLOW, DENY or ERROR") String decision,
            @Option(names = "--since", paramLabel = "<instant>", description = "Events at or after this ISO-8601 instant") String since,
            @Option(names = "--until", paramLabel = "<instant>", description = "Events before this ISO-8601 instant") String until,
            @Option(names = "--limit", defaultValue = "100", paramLabel = "<n>", description = "At most this many events (default 100)") int limit) {
        SecretRef ref = name == null ? null : SecretRef.parse(name);
        JsonObject page = options.client().get("v1/audit", ApiClient.query(
                "environment", ref == null ? null : ref.environment(), "path", ref == null ? null : ref.path(),
                "principal", principal, "type", type, "decision", decision, "since", since, "until", until,
                "limit", Integer.toString(limit)));
        StringBuilder text = new StringBuilder();
        for (JsonValue v : page.getJsonArray("items")) {
            JsonObject e = v.asJsonObject();
            text.append(String.format("%-6d %-28s %-24s %-6s %-24s %-32s %-4s %s%n", e.getJsonNumber("seq").longValue(),
                    e.getString("createdAt"), e.getString("eventType"), e.getString("decision"), e.getString("principal"),
                    e.containsKey("environment") ? e.getString("environment") + "/" + e.getString("path", "") : "-",
                    e.containsKey("version") ? e.get("version").toString() : "-", e.getString("requestId")));
        }
        options.out().print(page, text.toString().stripTrailing());
        return ExitCodes.OK;
    }

    @Command(name = "summary", description = "Who read what and why since a time (default: the last 24 hours).",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer audit summary --since 2026-01-01T00:00:00Z")
    int summary(@Mixin ClientOptions options, @Option(names = "--since", paramLabel = "<instant>",
            description = "Summarize from this ISO-8601 instant (default: 24 hours ago)") String since) {
        JsonObject summary = options.client().get("v1/audit/summary", ApiClient.query("since", since));
        options.out().print(summary, Output.pretty(summary));
        return ExitCodes.OK;
    }

    @Command(name = "verify", description = "Verify the audit chain and its checkpoints; exit code 10 when it is broken.",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer audit verify -o json")
    int verify(@Mixin ClientOptions options) {
        JsonObject result = options.client().post("v1/audit/verify", null);
        boolean intact = result.getBoolean("intact");
        long checked = result.getJsonNumber("eventsChecked").longValue();
        options.out().print(result, intact ? "audit chain intact (" + checked + " events of tenant " + result.getString("tenant", "")
                + ", " + result.getJsonNumber("checkpointsChecked") + " checkpoints matched)"
                : "audit chain BROKEN at event " + result.getJsonNumber("firstBrokenSeq") + ": " + result.getString("problem", ""));
        return intact ? ExitCodes.OK : ExitCodes.AUDIT_BROKEN;
    }
}
