package dev.coffer.server.cli;

import dev.coffer.config.remote.RemoteSecretManager;
import dev.coffer.spi.rotation.RunState;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code coffer rotation ...}: a secret's rotation policy and runs, over {@code /v1/secrets/{id}/rotation}
 * and {@code /v1/rotations}. {@code set} needs {@code secrets:admin}; {@code run}, {@code cancel} and
 * {@code rollback} need {@code secrets:rotate}. The server validates the policy (an unknown rotator
 * or a bad schedule is {@code INVALID_ROTATION_POLICY}, exit 8); {@code -o json} prints the server's JSON.
 */
@Command(name = "rotation", description = "Set, show, run, cancel, roll back and list secret rotations.",
        footerHeading = Coffer.EXAMPLE, footer = {"  coffer rotation set prod/db/password --rotator generated --schedule 30d",
            "  coffer rotation run prod/db/password", "  coffer rotation list --overdue"})
final class RotationCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Without a subcommand: usage on stderr, exit 2. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand");
    }

    @Command(name = "set", description = "Set or replace a secret's rotation policy.", footerHeading = Coffer.EXAMPLE,
            footer = {"  coffer rotation set prod/db/password --rotator generated --schedule 30d --param length=32",
                "  coffer rotation set prod/db/app --rotator postgresql --schedule '0 3 * * 1' --overlap 24h \\",
                "      --param strategy=alternating-users --param adminSecret=prod/db/admin"})
    int set(@Mixin ClientOptions options, @Parameters(paramLabel = "<secret>", description = "The secret: <environment>/<path> or its id") String secret,
            @Option(names = "--rotator", required = true, paramLabel = "<name>", description = "The rotator: generated, postgresql, webhook, manual-overlap, ...") String rotator,
            @Option(names = "--schedule", required = true, paramLabel = "<schedule>", description = "A period (30d, 12h) or a cron expression in UTC ('0 3 * * 1')") String schedule,
            @Option(names = "--window", paramLabel = "<duration>", description = "How long one run may keep retrying (default 1h)") String window,
            @Option(names = "--overlap", paramLabel = "<duration>", description = "How long the old version stays readable as 'previous' (default 1h)") String overlap,
            @Option(names = "--canary", paramLabel = "<duration>", description = "How long the new version is readable as 'next' before promotion (default none)") String canary,
            @Option(names = "--param", paramLabel = "<key=value>", description = "A rotator setting; repeatable (name other secrets by path, never put a credential here)") List<String> params,
            @Option(names = "--disabled", description = "Keep the policy but do not rotate on schedule") boolean disabled,
            @Option(names = "--max-attempts", paramLabel = "<n>", description = "Failed attempts before a run ends FAILED (1 to 20, default 5)") Integer maxAttempts) {
        JsonObjectBuilder body = Json.createObjectBuilder().add("rotator", rotator).add("schedule", schedule);
        addIfSet(body, "window", window);
        addIfSet(body, "overlap", overlap);
        addIfSet(body, "canary", canary);
        JsonObjectBuilder map = Json.createObjectBuilder();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String pair : params == null ? List.<String>of() : params) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new CliException(ExitCodes.USAGE, "--param takes key=value, e.g. --param length=32");
            }
            if (!seen.add(pair.substring(0, eq))) {
                throw new CliException(ExitCodes.USAGE, "--param names '" + Table.clean(pair.substring(0, eq)) + "' twice");
            }
            map.add(pair.substring(0, eq), pair.substring(eq + 1));
        }
        body.add("params", map);
        body.add("enabled", !disabled);
        if (maxAttempts != null) {
            body.add("maxAttempts", maxAttempts);
        }
        Session s = options.session();
        String id = id(s, secret);
        JsonObject status = exchange(s, "PUT", route(id), body.build());
        options.out().print(status, "rotation policy of " + Table.clean(secret) + " saved\n" + RotationText.status(status));
        return ExitCodes.OK;
    }

    @Command(name = "show", description = "Show a secret's rotation policy, last and next rotation, and its runs.",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer rotation show prod/db/password")
    int show(@Mixin ClientOptions options, @Parameters(paramLabel = "<secret>", description = "The secret: <environment>/<path> or its id") String secret) {
        Session s = options.session();
        JsonObject status = exchange(s, "GET", route(id(s, secret)), null);
        options.out().print(status, RotationText.status(status));
        return ExitCodes.OK;
    }

    @Command(name = "run", description = "Rotate now, whatever the schedule (the server's engine drives the run).",
            footerHeading = Coffer.EXAMPLE, footer = {"  coffer rotation run prod/db/password", "  coffer rotation run prod/db/password --test-only"})
    int run(@Mixin ClientOptions options, @Parameters(paramLabel = "<secret>", description = "The secret: <environment>/<path> or its id") String secret,
            @Option(names = "--test-only", description = "Create, apply and test a new value, then discard it instead of promoting") boolean testOnly) {
        Session s = options.session();
        JsonObject run = exchange(s, "POST", route(id(s, secret)) + "/run", Json.createObjectBuilder().add("testOnly", testOnly).build());
        options.out().print(run, (testOnly ? "test-only rotation " : "rotation ") + RotationText.runLine(run)
                + "\n(follow it with 'coffer rotation show " + Table.clean(secret) + "')");
        return ExitCodes.OK;
    }

    @Command(name = "cancel", description = "Cancel the open rotation run (what the rotator applied is undone).",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer rotation cancel prod/db/password")
    int cancel(@Mixin ClientOptions options, @Parameters(paramLabel = "<secret>", description = "The secret: <environment>/<path> or its id") String secret) {
        Session s = options.session();
        JsonObject run = exchange(s, "POST", route(id(s, secret)) + "/cancel", null);
        options.out().print(run, "cancel requested: " + RotationText.runLine(run));
        return ExitCodes.OK;
    }

    @Command(name = "rollback", description = "Move 'current' back to 'previous' while it is still enabled (inside the overlap).",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer rotation rollback prod/db/password")
    int rollback(@Mixin ClientOptions options, @Parameters(paramLabel = "<secret>", description = "The secret: <environment>/<path> or its id") String secret) {
        Session s = options.session();
        JsonObject aliases = exchange(s, "POST", route(id(s, secret)) + "/rollback", null);
        options.out().print(aliases, "rolled back " + Table.clean(secret) + ": " + RotationText.aliases(aliases));
        return ExitCodes.OK;
    }

    @Command(name = "list", description = "List the secrets with a rotation policy.", footerHeading = Coffer.EXAMPLE,
            footer = {"  coffer rotation list", "  coffer rotation list --overdue", "  coffer rotation list --state FAILED -o json"})
    int list(@Mixin ClientOptions options,
            @Option(names = "--state", paramLabel = "<state>", description = "Only secrets whose latest run is in this state (FAILED, APPLIED, FINISHED, ...)") String state,
            @Option(names = "--overdue", description = "Only overdue secrets") boolean overdue,
            @Option(names = "--limit", paramLabel = "<n>", description = "At most this many (1 to 1000, default 100)") Integer limit,
            @Option(names = "--page-token", paramLabel = "<token>", description = "Continue a listing (the token a previous page printed)") String pageToken) {
        List<String> query = new ArrayList<>();
        if (state != null) {
            String upper = state.trim().toUpperCase(Locale.ROOT);
            if (Arrays.stream(RunState.values()).noneMatch(r -> r.name().equals(upper))) {
                throw new CliException(ExitCodes.USAGE, "--state takes one of " + Arrays.toString(RunState.values()));
            }
            query.add("state=" + upper);
        }
        if (overdue) {
            query.add("overdue=true");
        }
        if (limit != null) {
            query.add("limit=" + limit);
        }
        if (pageToken != null) {
            query.add("pageToken=" + URLEncoder.encode(pageToken, StandardCharsets.UTF_8));
        }
        Session s = options.session();
        JsonObject page = exchange(s, "GET", "v1/rotations" + (query.isEmpty() ? "" : "?" + String.join("&", query)), null);
        options.out().print(page, RotationText.list(page));
        return ExitCodes.OK;
    }

    private static void addIfSet(JsonObjectBuilder body, String name, String value) {
        if (value != null) {
            body.add(name, value);
        }
    }

    /** The rotation routes are by id; a name is resolved with one describe first. */
    private static String id(Session s, String text) {
        SecretArg arg = SecretArg.parse(text);
        if (arg.isId()) {
            return arg.id();
        }
        return s.call((api, ctx) -> api.describe(ctx, arg.path(s))).secret().id();
    }

    private static String route(String id) {
        return "v1/secrets/" + id + "/rotation";
    }

    private static JsonObject exchange(Session s, String method, String route, JsonObject body) {
        JsonObject answer = s.call((api, ctx) -> ((RemoteSecretManager) api).exchange(ctx, method, route, body));
        return answer == null ? JsonValue.EMPTY_JSON_OBJECT : answer;
    }
}
