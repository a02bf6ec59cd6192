package dev.coffer.server.cli;

import dev.coffer.spi.model.Aliases;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code coffer secret ...}: secrets, versions and aliases. */
@Command(name = "secret", description = "Create secrets, put and get values, rotate, disable, delete.",
        footerHeading = Coffer.EXAMPLE, footer = {"  coffer secret create prod/db/password --owner-team payments", "  printf 's3cr3t' | coffer secret put prod/db/password"},
        subcommands = {SecretCommand.Put.class, SecretCommand.Get.class})
final class SecretCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Without a subcommand: usage on stderr, exit 2. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand");
    }

    @Command(name = "create", description = "Create a secret (metadata only); add values with 'secret put'.",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer secret create prod/db/password --owner-team payments --rotation-period 90d --label tier=1")
    int create(@Mixin ClientOptions options,
            @Parameters(paramLabel = "<environment>/<path>", description = "The new secret's environment and path") String name,
            @Option(names = "--owner-team", required = true, paramLabel = "<team>", description = "Accountable team") String ownerTeam,
            @Option(names = "--description", paramLabel = "<text>", description = "What the secret is for") String description,
            @Option(names = "--rotation-period", paramLabel = "<duration>", description = "How often it should be rotated, e.g. 90d") String rotationPeriod,
            @Option(names = "--rotation-strategy", paramLabel = "<strategy>", description = "manual-overlap (default), generated or a rotator name") String strategy,
            @Option(names = "--label", paramLabel = "<key>=<value>", description = "A label, repeatable") Map<String, String> labels) {
        SecretRef ref = SecretRef.parse(name);
        JsonObjectBuilder body = Json.createObjectBuilder()
                .add("environment", ref.environment()).add("path", ref.path()).add("ownerTeam", ownerTeam);
        addIf(body, "description", description);
        addIf(body, "rotationPeriod", rotationPeriod);
        addIf(body, "rotationStrategy", strategy);
        if (labels != null) {
            body.add("labels", Json.createObjectBuilder(Map.<String, Object>copyOf(labels)));
        }
        JsonObject secret = options.client().post("v1/secrets", body.build());
        options.out().print(secret, "created " + secret.getString("id") + " " + name);
        return ExitCodes.OK;
    }

    @Command(name = "list", description = "List secrets you may see.",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer secret list --environment prod --prefix db/")
    int list(@Mixin ClientOptions options,
            @Option(names = "--environment", paramLabel = "<environment>", description = "Only secrets of this environment") String environment,
            @Option(names = "--prefix", paramLabel = "<path-prefix>", description = "Only paths starting with this (without the environment)") String prefix) {
        JsonObject page = options.client().get("v1/secrets", ApiClient.query("environment", environment, "prefix", prefix, "limit", "1000"));
        StringBuilder text = new StringBuilder();
        for (JsonValue v : page.getJsonArray("items")) {
            JsonObject s = v.asJsonObject();
            text.append(s.getString("id")).append("  ").append(s.getString("environment")).append('/').append(s.getString("path"))
                    .append("  ").append(s.getString("ownerTeam")).append('\n');
        }
        options.out().print(page, text.toString().stripTrailing());
        return ExitCodes.OK;
    }

    @Command(name = "describe", description = "Show a secret's metadata, versions and aliases (no values).",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer secret describe prod/db/password")
    int describe(@Mixin ClientOptions options, @Parameters(paramLabel = "<environment>/<path>|<id>", description = "The secret: <environment>/<path> or its id") String name) {
        ApiClient api = options.client();
        JsonObject details = api.get("v1/secrets/" + SecretRef.parse(name).resolveId(api), null);
        options.out().print(details, Output.pretty(details));
        return ExitCodes.OK;
    }

    @Command(name = "versions", description = "List a secret's versions with their status.",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer secret versions prod/db/password")
    int versions(@Mixin ClientOptions options, @Parameters(paramLabel = "<environment>/<path>|<id>", description = "The secret: <environment>/<path> or its id") String name) {
        ApiClient api = options.client();
        JsonObject page = api.get("v1/secrets/" + SecretRef.parse(name).resolveId(api) + "/versions", null);
        StringBuilder text = new StringBuilder(String.format("%-8s %-10s %-10s %-28s %s%n", "VERSION", "STATUS", "STATE", "CREATED", "BY"));
        for (JsonValue v : page.getJsonArray("items")) {
            JsonObject version = v.asJsonObject();
            text.append(String.format("%-8d %-10s %-10s %-28s %s%n", version.getInt("version"), version.getString("status"),
                    version.getString("state"), version.getString("createdAt", ""), version.getString("createdBy", "")));
        }
        options.out().print(page, text.toString().stripTrailing());
        return ExitCodes.OK;
    }

    @Command(name = "promote", description = "Make a version current, by compare-and-set on the version you saw as current.",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer secret promote prod/db/password 3 --expected 2")
    int promote(@Mixin ClientOptions options,
            @Parameters(index = "0", paramLabel = "<environment>/<path>|<id>", description = "The secret: <environment>/<path> or its id") String name,
            @Parameters(index = "1", paramLabel = "<version>", description = "The version number") int version,
            @Option(names = "--expected", required = true, paramLabel = "<n>|none",
                    description = "The version current points at now ('none' when unset); a mismatch fails with VERSION_CONFLICT") String expected) {
        return moveAlias(options, name, "current", version, expected);
    }

    @Command(name = "alias", description = "Point an alias at a version, by compare-and-set.",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer secret alias prod/db/password blue 3 --expected none")
    int alias(@Mixin ClientOptions options,
            @Parameters(index = "0", paramLabel = "<environment>/<path>|<id>", description = "The secret: <environment>/<path> or its id") String name,
            @Parameters(index = "1", paramLabel = "<alias>", description = "The alias name, e.g. previous or blue") String alias,
            @Parameters(index = "2", paramLabel = "<version>", description = "The version number the alias will point at") int version,
            @Option(names = "--expected", required = true, paramLabel = "<n>|none",
                    description = "The version the alias points at now ('none' when unset); a mismatch fails with VERSION_CONFLICT")
                    String expected) {
        return moveAlias(options, name, alias, version, expected);
    }

    @Command(name = "disable", description = "Disable a version: it refuses reads until enabled.",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer secret disable prod/db/password 2")
    int disable(@Mixin ClientOptions options, @Parameters(index = "0", paramLabel = "<environment>/<path>|<id>", description = "The secret: <environment>/<path> or its id") String name,
            @Parameters(index = "1", paramLabel = "<version>", description = "The version number") int version) {
        return transition(options, name, version, "disable");
    }

    @Command(name = "enable", description = "Enable a disabled version.",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer secret enable prod/db/password 2")
    int enable(@Mixin ClientOptions options, @Parameters(index = "0", paramLabel = "<environment>/<path>|<id>", description = "The secret: <environment>/<path> or its id") String name,
            @Parameters(index = "1", paramLabel = "<version>", description = "The version number") int version) {
        return transition(options, name, version, "enable");
    }

    @Command(name = "destroy", description = "Destroy a version's value and key for good.",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer secret destroy prod/db/password 1")
    int destroy(@Mixin ClientOptions options, @Parameters(index = "0", paramLabel = "<environment>/<path>|<id>", description = "The secret: <environment>/<path> or its id") String name,
            @Parameters(index = "1", paramLabel = "<version>", description = "The version number") int version) {
        return transition(options, name, version, "destroy");
    }

    @Command(name = "delete", description = "Schedule deletion after a recovery window (7-30 days, default 30).",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer secret delete prod/db/old-password --recovery-window-days 7")
    int delete(@Mixin ClientOptions options, @Parameters(paramLabel = "<environment>/<path>|<id>", description = "The secret: <environment>/<path> or its id") String name,
            @Option(names = "--recovery-window-days", paramLabel = "<days>",
                    description = "Days before the secret can be purged, 7-30 (default 30)") Integer days) {
        ApiClient api = options.client();
        JsonObject secret = api.delete("v1/secrets/" + SecretRef.parse(name).resolveId(api),
                ApiClient.query("recoveryWindowDays", days == null ? null : days.toString()));
        options.out().print(secret, "deletion of " + name + " scheduled for " + secret.getString("deletionScheduledAt", "?"));
        return ExitCodes.OK;
    }

    @Command(name = "restore", description = "Cancel a scheduled deletion.",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer secret restore prod/db/old-password")
    int restore(@Mixin ClientOptions options, @Parameters(paramLabel = "<environment>/<path>|<id>", description = "The secret: <environment>/<path> or its id") String name) {
        ApiClient api = options.client();
        JsonObject secret = api.post("v1/secrets/" + SecretRef.parse(name).resolveId(api) + "/restore", null);
        options.out().print(secret, "restored " + name);
        return ExitCodes.OK;
    }

    @Command(name = "purge", description = "Delete a secret for good once its recovery window has passed (the audit trail stays).",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer secret purge prod/db/old-password")
    int purge(@Mixin ClientOptions options, @Parameters(paramLabel = "<environment>/<path>|<id>", description = "The secret: <environment>/<path> or its id") String name) {
        ApiClient api = options.client();
        String id = SecretRef.parse(name).resolveId(api);
        api.post("v1/secrets/" + id + "/purge", null);
        options.out().print(Json.createObjectBuilder().add("id", id).add("purged", true).build(), "purged " + name);
        return ExitCodes.OK;
    }

    private static int moveAlias(ClientOptions options, String name, String alias, int version, String expected) {
        SecretRef ref = SecretRef.parse(name);
        Aliases.requireName(alias); // before any request, by the rule the server applies
        ApiClient api = options.client();
        JsonObjectBuilder body = Json.createObjectBuilder().add("version", version);
        if (!"none".equals(expected)) {
            try {
                body.add("expectedPreviousVersion", Integer.parseInt(expected));
            } catch (NumberFormatException e) {
                throw new CliException(ExitCodes.USAGE, "--expected takes a version number or 'none'");
            }
        }
        JsonObject aliases = api.post("v1/secrets/" + ref.resolveId(api) + "/aliases/" + ApiClient.segment(alias),
                body.build());
        options.out().print(aliases, alias + " -> " + version + "  (aliases: " + aliases.getJsonObject("aliases") + ")");
        return ExitCodes.OK;
    }

    private static int transition(ClientOptions options, String name, int version, String action) {
        ApiClient api = options.client();
        JsonObject v = api.post("v1/secrets/" + SecretRef.parse(name).resolveId(api) + "/versions/" + version + "/" + action, null);
        options.out().print(v, name + " version " + version + " " + v.getString("status"));
        return ExitCodes.OK;
    }

    static void addIf(JsonObjectBuilder body, String key, String value) {
        if (value != null) {
            body.add(key, value);
        }
    }

    /** {@code coffer secret put}: adds a version from stdin or a file. */
    @Command(name = "put", description = "Add a version. The value comes from standard input or --file, never from the command line.",
            footerHeading = Coffer.EXAMPLE, footer = {"  printf 's3cr3t' | coffer secret put prod/db/password", "  coffer secret put prod/db/password --file password.txt --pending"})
    static final class Put implements Callable<Integer> {
        @Mixin
        ClientOptions options;

        @Parameters(paramLabel = "<environment>/<path>|<id>", description = "The secret: <environment>/<path> or its id")
        String name;

        @Option(names = "--file", paramLabel = "<file>", description = "Read the value from this file (bytes as they are)")
        Path file;

        @Option(names = "--pending", description = "Stage the version as PENDING (promote it later) instead of making it CURRENT")
        boolean pending;

        @Option(names = "--keep-newline", description = "Keep a trailing newline read from standard input")
        boolean keepNewline;

        @Option(names = "--allow-empty", description = "Store an empty value (refused by default: an empty input is usually a mistake)")
        boolean allowEmpty;

        @Override
        public Integer call() {
            // Name and value are checked before any request, so a bad one changes nothing anywhere.
            SecretRef ref = SecretRef.parse(name);
            byte[] bytes = ValueInput.read(file, keepNewline, allowEmpty);
            JsonObject version;
            try {
                ApiClient api = options.client();
                String id = ref.resolveId(api);
                JsonObjectBuilder body = Json.createObjectBuilder();
                String text = utf8(bytes);
                if (text != null) {
                    body.add("value", text);
                } else {
                    body.add("valueBase64", Base64.getEncoder().encodeToString(bytes));
                }
                body.add("status", pending ? "PENDING" : "CURRENT");
                version = api.post("v1/secrets/" + id + "/versions", body.build());
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
            options.out().print(version, name + " version " + version.getInt("version") + " " + version.getString("status"));
            return ExitCodes.OK;
        }
    }

    /** {@code coffer secret get}: prints a value alone. */
    @Command(name = "get", description = "Print a value alone on standard output (no trailing newline unless it is a terminal).",
            footerHeading = Coffer.EXAMPLE, footer = {"  coffer secret get prod/db/password", "  coffer secret get prod/db/password --alias previous"})
    static final class Get implements Callable<Integer> {
        // Declared here: this command's --version takes a number, so the inherited standard help options
        // (-h and -V/--version together) are not mixed in.
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Mixin
        ClientOptions options;

        @Parameters(paramLabel = "<environment>/<path>", description = "The secret to read")
        String name;

        @ArgGroup(exclusive = true)
        Selector selector;

        static final class Selector {
            @Option(names = "--alias", paramLabel = "<alias>", description = "Read the version this alias points at (default current)")
            String alias;

            @Option(names = "--version", paramLabel = "<n>", description = "Read this version number")
            Integer version;
        }

        @Override
        public Integer call() throws IOException {
            SecretRef ref = SecretRef.parse(name);
            JsonObject content = options.client().get(ref.readPath(), ApiClient.query(
                    "alias", selector == null ? null : selector.alias,
                    "version", selector == null || selector.version == null ? null : selector.version.toString()));
            PrintStream out = System.out;
            if (options.out().json()) {
                out.println(Output.pretty(content));
            } else {
                byte[] bytes = content.containsKey("value") ? content.getString("value").getBytes(StandardCharsets.UTF_8)
                        : Base64.getDecoder().decode(content.getString("valueBase64"));
                out.write(bytes);
                Arrays.fill(bytes, (byte) 0);
                if (System.console() != null) {
                    out.println(); // keep a terminal's prompt off the value; pipes get the bytes alone
                }
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
