package dev.coffer.server.cli;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.audit.AuditSummary;
import dev.coffer.spi.audit.AuditVerification;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
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
        footerHeading = Coffer.EXAMPLE, footer = "  coffer audit query prod/db/password --since 7d")
final class AuditCommand implements Callable<Integer> {
    static final String TIME_FORMS = "an ISO-8601 instant (2026-01-01T00:00:00Z) or a time back from now (30m, 1h, 7d)";

    @Spec
    CommandSpec spec;

    /** Without a subcommand: usage on stderr, exit 2. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand");
    }

    @Command(name = "query", description = {"List audit events, oldest first: at most --limit of them, or every one with --all.",
        "When more events match, the output says so (text) or carries nextPageToken (-o json)."},
            footerHeading = Coffer.EXAMPLE, footer = {"  coffer audit query prod/db/password --type SECRET_READ --since 1h",
                "  coffer audit query --principal user:alice --since 7d --all"})
    int query(@Mixin ClientOptions options,
            @Parameters(arity = "0..1", paramLabel = "<environment>/<path>", description = "Only events of this secret (default: all)") String name,
            @Option(names = "--principal", paramLabel = "<kind>:<name>", description = "Only events of this principal, e.g. user:alice") String principal,
            @Option(names = "--type", paramLabel = "<type>", description = "Only this event type, e.g. SECRET_READ, ACCESS_DENIED") AuditEventType type,
            @Option(names = "--decision", paramLabel = "<decision>", description = "Only this decision: ALLOW, DENY or ERROR") Decision decision,
            @Option(names = "--since", paramLabel = "<time>", description = "Events at or after this time: " + TIME_FORMS) String since,
            @Option(names = "--until", paramLabel = "<time>", description = "Events before this time: " + TIME_FORMS) String until,
            @Option(names = "--limit", defaultValue = "100", paramLabel = "<n>", description = "At most this many events (default 100)") int limit,
            @Option(names = "--all", description = "Every matching event, page after page (ignores --limit)") boolean all) {
        SecretArg ref = name == null ? null : SecretArg.parse(name);
        if (ref != null && ref.isId()) {
            throw new CliException(ExitCodes.USAGE, "audit query takes the secret as <environment>/<path>, not an id");
        }
        if (limit < 1) {
            throw new CliException(ExitCodes.USAGE, "--limit must be at least 1");
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS); // 7d ago reads better without nanoseconds
        Instant from = Times.instant("--since", since, now);
        Instant to = Times.instant("--until", until, now);
        Session s = options.session();
        AuditQuery query = AuditQuery.tenant(s.ctx().tenant()).withPrincipal(principal).withEventType(type).withDecision(decision)
                .withSince(from).withUntil(to);
        if (ref != null) {
            query = query.withSecret(ref.environment(), ref.path());
        }
        AuditQuery q = query;
        List<AuditEvent> events = new ArrayList<>();
        String next = null;
        do {
            int size = all ? PageRequest.MAX_LIMIT : Math.min(PageRequest.MAX_LIMIT, limit - events.size());
            PageRequest page = new PageRequest(next, size);
            Page<AuditEvent> got = s.call((api, ctx) -> api.queryAudit(ctx, q, page));
            events.addAll(got.items());
            next = got.nextPageToken();
        } while (next != null && (all || events.size() < limit));
        Table table = new Table("SEQ", "TIME", "EVENT", "DECISION", "PRINCIPAL", "SECRET", "VERSION", "REASON", "REQUEST");
        for (AuditEvent e : events) {
            table.row(e.seq(), e.createdAt(), e.eventType(), e.decision(), e.principal(),
                    e.environment() == null ? null : e.environment() + (e.path() == null ? "" : "/" + e.path()), e.version(), e.reason(),
                    e.requestId());
        }
        StringBuilder text = new StringBuilder(events.isEmpty() ? "no matching events" : table.toString());
        if (next != null) {
            text.append("\n(").append(events.size()).append(" events shown; more match: pass --all for every one, or a larger --limit)");
        }
        options.out().print(JsonViews.page(new Page<>(events, next), JsonViews::event), text.toString());
        return ExitCodes.OK;
    }

    @Command(name = "summary", description = "Who read what and why, break-glass reads, denials, rotations and overdue secrets since a time.",
            footerHeading = Coffer.EXAMPLE, footer = {"  coffer audit summary --since 7d", "  coffer audit summary -o json"})
    int summary(@Mixin ClientOptions options, @Option(names = "--since", paramLabel = "<time>",
            description = "Summarize from this time (default 24h): " + TIME_FORMS) String since) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS); // 7d ago reads better without nanoseconds
        Instant from = since == null ? now.minus(Duration.ofHours(24)) : Times.instant("--since", since, now);
        Session s = options.session();
        AuditSummary summary = s.call((api, ctx) -> api.summarizeAudit(ctx, from));
        options.out().print(JsonViews.summary(summary), AuditText.summary(summary));
        return ExitCodes.OK;
    }

    @Command(name = "verify", description = "Verify the audit chain and its checkpoints; exit code 10 when it is broken.",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer audit verify -o json")
    int verify(@Mixin ClientOptions options) {
        Session s = options.session();
        AuditVerification result = s.call((api, ctx) -> api.verifyAudit(ctx));
        options.out().print(JsonViews.verification(result), result.intact()
                ? "audit chain intact (" + result.eventsChecked() + " events of tenant " + result.tenant() + ", "
                        + result.checkpointsChecked() + " checkpoints matched)"
                : "audit chain BROKEN at event " + result.firstBrokenSeq() + ": " + Table.clean(String.valueOf(result.problem())));
        return result.intact() ? ExitCodes.OK : ExitCodes.AUDIT_BROKEN;
    }
}
