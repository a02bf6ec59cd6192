package dev.coffer.server.cli;

import dev.coffer.server.internal.Durations;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretDetails;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.SecretListItem;
import dev.coffer.spi.model.SecretRef;
import dev.coffer.spi.model.SecretVersion;
import dev.coffer.spi.model.VersionState;
import jakarta.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code coffer secret ...}: secrets, versions and aliases. */
@Command(name = "secret", description = "Create secrets, put and get values, rotate, roll back, disable, delete.",
        footerHeading = Coffer.EXAMPLE, footer = {"  coffer secret create prod/db/password --owner-team payments", "  printf 's3cr3t' | coffer secret put prod/db/password"},
        subcommands = {SecretPut.class, SecretGet.class, SecretUpdateCommand.class})
final class SecretCommand implements Callable<Integer> {
    static final String NAME_LABEL = "<environment>/<path>|<id>";
    static final String NAME_DESCRIPTION = "The secret: <environment>/<path> or its id";

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
        SecretArg ref = SecretArg.parse(name);
        if (ref.isId()) {
            throw new CliException(ExitCodes.USAGE, "create takes the new secret's <environment>/<path>, not an id");
        }
        Session s = options.session();
        NewSecret.Builder request = NewSecret.builder(s.path(ref), ownerTeam);
        if (description != null) {
            request.description(description);
        }
        if (strategy != null) {
            request.rotationStrategy(strategy);
        }
        if (rotationPeriod != null) {
            request.rotationPeriod(Durations.parse("--rotation-period", rotationPeriod));
        }
        if (labels != null) {
            request.labels(labels);
        }
        NewSecret built = request.build();
        Secret secret = s.call((api, ctx) -> api.create(ctx, built));
        options.out().print(JsonViews.secret(secret), "created " + secret.id() + " " + name);
        return ExitCodes.OK;
    }

    @Command(name = "list", description = {"List the secrets you may see, with their current version and any pending deletion.",
        "--label filters by label; every --label given must match."},
            footerHeading = Coffer.EXAMPLE, footer = {"  coffer secret list --environment prod --prefix db/", "  coffer secret list --label tier=1 --label team=payments"})
    int list(@Mixin ClientOptions options,
            @Option(names = "--environment", paramLabel = "<environment>", description = "Only secrets of this environment") String environment,
            @Option(names = "--prefix", paramLabel = "<path-prefix>", description = "Only paths starting with this (without the environment)") String prefix,
            @Option(names = "--label", paramLabel = "<key>=<value>", description = "Only secrets with this label; repeatable, all must match")
                    Map<String, String> labels) {
        SecretFilter filter = new SecretFilter(environment, prefix, labels == null ? Map.of() : labels);
        Session s = options.session();
        List<SecretListItem> all = new ArrayList<>();
        PageRequest request = PageRequest.first(PageRequest.MAX_LIMIT);
        while (true) {
            PageRequest next = request;
            Page<SecretListItem> page = s.call((api, ctx) -> api.list(ctx, filter, next));
            all.addAll(page.items());
            if (page.nextPageToken() == null) {
                break;
            }
            request = request.next(page.nextPageToken());
        }
        Table table = new Table("PATH", "CURRENT", "OWNER", "DELETION", "LABELS", "ID");
        for (SecretListItem item : all) {
            Secret secret = item.secret();
            table.row(secret.path().qualifiedName(), item.currentVersion().isPresent() ? item.currentVersion().getAsInt() : null,
                    secret.ownerTeam(), secret.isPendingDeletion() ? "pending, purgeable " + secret.deletionScheduledAt() : null,
                    secret.labels().isEmpty() ? null : SecretText.labels(secret.labels()), secret.id());
        }
        options.out().print(JsonViews.items(all, JsonViews::listItem), all.isEmpty() ? "no secrets" : table.toString());
        return ExitCodes.OK;
    }

    @Command(name = "describe", description = "Show a secret's metadata, aliases and versions (no values).",
            footerHeading = Coffer.EXAMPLE, footer = {"  coffer secret describe prod/db/password", "  coffer secret describe prod/db/password -o json"})
    int describe(@Mixin ClientOptions options, @Parameters(paramLabel = NAME_LABEL, description = NAME_DESCRIPTION) String name) {
        SecretArg ref = SecretArg.parse(name);
        Session s = options.session();
        SecretDetails details = describe(s, ref);
        options.out().print(JsonViews.details(details), SecretText.describe(details));
        return ExitCodes.OK;
    }

    @Command(name = "versions", description = "List a secret's versions with their status.",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer secret versions prod/db/password")
    int versions(@Mixin ClientOptions options, @Parameters(paramLabel = NAME_LABEL, description = NAME_DESCRIPTION) String name) {
        SecretArg ref = SecretArg.parse(name);
        Session s = options.session();
        SecretRef id = ref.ref(s);
        List<SecretVersion> versions = s.call((api, ctx) -> api.versions(ctx, id));
        options.out().print(JsonViews.items(versions, JsonViews::version), SecretText.versions(versions).toString());
        return ExitCodes.OK;
    }

    @Command(name = "promote", description = {"Make a version current, by compare-and-set on the version you saw as current.",
        "The version is a number, 'previous' or any alias name; the old current becomes previous."},
            footerHeading = Coffer.EXAMPLE, footer = {"  coffer secret promote prod/db/password 3 --expected 2",
                "  coffer secret promote prod/db/password next --expected 2"})
    int promote(@Mixin ClientOptions options,
            @Parameters(index = "0", paramLabel = NAME_LABEL, description = NAME_DESCRIPTION) String name,
            @Parameters(index = "1", paramLabel = "<version>|<alias>", description = "A version number, or an alias whose version to promote (previous, next, blue, ...)") String version,
            @Option(names = "--expected", required = true, paramLabel = "<n>|none",
                    description = "The version current points at now ('none' when unset); a mismatch fails with VERSION_CONFLICT") String expected) {
        SecretArg ref = SecretArg.parse(name);
        OptionalInt expect = expected(expected);
        Session s = options.session();
        int number = versionNumber(s, ref, version);
        return moveAlias(options, s, ref, Aliases.CURRENT, number, expect);
    }

    @Command(name = "rollback", description = {"Make the previous version current again, by compare-and-set on the current version read just before.",
        "Fails when there is no previous version; the version rolled back from becomes previous."},
            footerHeading = Coffer.EXAMPLE, footer = "  coffer secret rollback prod/db/password --reason 'bad deploy'")
    int rollback(@Mixin ClientOptions options, @Parameters(paramLabel = NAME_LABEL, description = NAME_DESCRIPTION) String name) {
        SecretArg ref = SecretArg.parse(name);
        Session s = options.session();
        SecretDetails details = describe(s, ref);
        Aliases aliases = details.aliases();
        OptionalInt previous = aliases.get(Aliases.PREVIOUS);
        if (previous.isEmpty()) {
            throw new CliException(ExitCodes.NOT_FOUND, "ALIAS_NOT_FOUND: " + name + " has no previous version to roll back to"
                    + " (alias previous is unset); nothing was changed");
        }
        // Only while it is still enabled: a disabled or destroyed previous is no place to roll back to.
        details.versions().stream().filter(v -> v.number() == previous.getAsInt() && v.state() != VersionState.ENABLED).findFirst()
                .ifPresent(v -> {
                    throw new CliException(ExitCodes.CONFLICT, "STATE_CONFLICT: the previous version " + v.number() + " of " + name + " is "
                            + v.state() + (v.state() == VersionState.DISABLED ? "; enable it first ('coffer secret enable " + name + " "
                            + v.number() + "')" : "") + "; nothing was changed");
                });
        OptionalInt current = aliases.get(Aliases.CURRENT);
        SecretRef id = ref.ref(s);
        // CAS on the current version just read: a promote or rotation in between fails with VERSION_CONFLICT instead of being undone.
        Aliases after = s.call((api, ctx) -> api.promote(ctx, id, previous.getAsInt(), current));
        String was = current.isPresent() ? Integer.toString(current.getAsInt()) : "none";
        options.out().print(JsonViews.aliasesBody(after), "rolled back " + name + ": current " + was + " -> "
                + previous.getAsInt() + " (previous is now " + was + ")");
        return ExitCodes.OK;
    }

    @Command(name = "alias", description = "Point an alias at a version, by compare-and-set.",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer secret alias prod/db/password blue 3 --expected none")
    int alias(@Mixin ClientOptions options,
            @Parameters(index = "0", paramLabel = NAME_LABEL, description = NAME_DESCRIPTION) String name,
            @Parameters(index = "1", paramLabel = "<alias>", description = "The alias name, e.g. next or blue") String alias,
            @Parameters(index = "2", paramLabel = "<version>", description = "The version number the alias will point at") int version,
            @Option(names = "--expected", required = true, paramLabel = "<n>|none",
                    description = "The version the alias points at now ('none' when unset); a mismatch fails with VERSION_CONFLICT")
                    String expected) {
        SecretArg ref = SecretArg.parse(name);
        Aliases.requireName(alias); // before any request, by the rule the server applies
        OptionalInt expect = expected(expected);
        return moveAlias(options, options.session(), ref, alias, version, expect);
    }

    @Command(name = "unalias", description = {"Remove an alias (next or a named one), by compare-and-set when --expected is given.",
        "The version it pointed at stays as it is; current and previous cannot be removed."},
            footerHeading = Coffer.EXAMPLE, footer = {"  coffer secret unalias prod/db/password next --expected 4",
                "  coffer secret unalias prod/db/password blue"})
    int unalias(@Mixin ClientOptions options,
            @Parameters(index = "0", paramLabel = NAME_LABEL, description = NAME_DESCRIPTION) String name,
            @Parameters(index = "1", paramLabel = "<alias>", description = "The alias name, e.g. next or blue") String alias,
            @Option(names = "--expected", paramLabel = "<n>",
                    description = "The version the alias points at now; a mismatch fails with VERSION_CONFLICT (without it, removed wherever it points)")
                    Integer expected) {
        SecretArg ref = SecretArg.parse(name);
        Aliases.requireName(alias); // before any request, by the rule the server applies
        OptionalInt expect = expected == null ? OptionalInt.empty() : OptionalInt.of(expected);
        Session s = options.session();
        SecretRef id = ref.ref(s);
        Aliases aliases = s.call((api, ctx) -> api.removeAlias(ctx, id, alias, expect));
        options.out().print(JsonViews.aliasesBody(aliases), "removed " + alias + " from " + name + "  (" + SecretText.aliases(aliases) + ")");
        return ExitCodes.OK;
    }

    @Command(name = "disable", description = "Disable a version: it refuses reads until enabled.",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer secret disable prod/db/password 2")
    int disable(@Mixin ClientOptions options, @Parameters(index = "0", paramLabel = NAME_LABEL, description = NAME_DESCRIPTION) String name,
            @Parameters(index = "1", paramLabel = "<version>", description = "The version number") int version) {
        return transition(options, name, version, "disable");
    }

    @Command(name = "enable", description = "Enable a disabled version.",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer secret enable prod/db/password 2")
    int enable(@Mixin ClientOptions options, @Parameters(index = "0", paramLabel = NAME_LABEL, description = NAME_DESCRIPTION) String name,
            @Parameters(index = "1", paramLabel = "<version>", description = "The version number") int version) {
        return transition(options, name, version, "enable");
    }

    @Command(name = "destroy", description = "Destroy a version's value and key for good.",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer secret destroy prod/db/password 1")
    int destroy(@Mixin ClientOptions options, @Parameters(index = "0", paramLabel = NAME_LABEL, description = NAME_DESCRIPTION) String name,
            @Parameters(index = "1", paramLabel = "<version>", description = "The version number") int version) {
        return transition(options, name, version, "destroy");
    }

    @Command(name = "delete", description = {"Schedule deletion after a recovery window (7-30 days, default 30); 'secret restore' undoes it.",
        "With --force the secret is deleted at once, with every version and key, and cannot be restored (for test data;",
        "needs secrets:admin; refused in environments the operator marks protected)."},
            footerHeading = Coffer.EXAMPLE, footer = {"  coffer secret delete prod/db/old-password --recovery-window-days 7",
                "  coffer secret delete dev/scratch/token --force"})
    int delete(@Mixin ClientOptions options, @Parameters(paramLabel = NAME_LABEL, description = NAME_DESCRIPTION) String name,
            @Option(names = "--recovery-window-days", paramLabel = "<days>",
                    description = "Days before the secret can be purged, 7-30 (default 30)") Integer days,
            @Option(names = "--force", description = "Delete at once, without recovery window: no restore, the audit trail stays") boolean force) {
        SecretArg ref = SecretArg.parse(name);
        if (force && days != null) {
            throw new CliException(ExitCodes.USAGE, "--force deletes at once; it takes no --recovery-window-days");
        }
        Session s = options.session();
        SecretRef id = ref.ref(s);
        if (force) {
            s.call((api, ctx) -> {
                api.forceDelete(ctx, id);
                return null;
            });
            options.out().print(Json.createObjectBuilder().add("secret", name).add("deleted", true).add("recoverable", false).build(),
                    "deleted " + name + " at once, with every version and key; it cannot be restored (the audit trail stays)");
            return ExitCodes.OK;
        }
        Secret secret = s.call((api, ctx) -> days == null ? api.scheduleDeletion(ctx, id) : api.scheduleDeletion(ctx, id, days));
        options.out().print(JsonViews.secret(secret), "deletion of " + name + " scheduled: purgeable from " + secret.deletionScheduledAt()
                + "; reads fail from now on ('coffer secret restore " + name + "' undoes it)");
        return ExitCodes.OK;
    }

    @Command(name = "restore", description = "Cancel a scheduled deletion.",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer secret restore prod/db/old-password")
    int restore(@Mixin ClientOptions options, @Parameters(paramLabel = NAME_LABEL, description = NAME_DESCRIPTION) String name) {
        SecretArg ref = SecretArg.parse(name);
        Session s = options.session();
        SecretRef id = ref.ref(s);
        Secret secret = s.call((api, ctx) -> api.restore(ctx, id));
        options.out().print(JsonViews.secret(secret), "restored " + name);
        return ExitCodes.OK;
    }

    @Command(name = "purge", description = "Delete a secret for good once its recovery window has passed (the audit trail stays).",
            footerHeading = Coffer.EXAMPLE, footer = "  coffer secret purge prod/db/old-password")
    int purge(@Mixin ClientOptions options, @Parameters(paramLabel = NAME_LABEL, description = NAME_DESCRIPTION) String name) {
        SecretArg ref = SecretArg.parse(name);
        Session s = options.session();
        SecretRef id = ref.ref(s);
        s.call((api, ctx) -> {
            api.purge(ctx, id);
            return null;
        });
        options.out().print(Json.createObjectBuilder().add("secret", name).add("purged", true).build(), "purged " + name);
        return ExitCodes.OK;
    }

    static SecretDetails describe(Session s, SecretArg ref) {
        return s.call((api, ctx) -> api.describe(ctx, ref.ref(s)));
    }

    /** {@code text} as a version number, or the version the alias of that name points at. */
    private static int versionNumber(Session s, SecretArg ref, String text) {
        if (text.chars().allMatch(Character::isDigit) && !text.isEmpty()) {
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new CliException(ExitCodes.USAGE, "<version> " + text + " is too large");
            }
        }
        Aliases.requireName(text);
        OptionalInt number = describe(s, ref).aliases().get(text);
        if (number.isEmpty()) {
            throw new CliException(ExitCodes.NOT_FOUND, "ALIAS_NOT_FOUND: alias '" + text + "' of " + ref + " is not set; nothing was changed");
        }
        return number.getAsInt();
    }

    private static OptionalInt expected(String expected) {
        if ("none".equals(expected)) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(expected));
        } catch (NumberFormatException e) {
            throw new CliException(ExitCodes.USAGE, "--expected takes a version number or 'none'");
        }
    }

    private static int moveAlias(ClientOptions options, Session s, SecretArg ref, String alias, int version, OptionalInt expected) {
        SecretRef id = ref.ref(s);
        Aliases aliases = s.call((api, ctx) -> api.moveAlias(ctx, id, alias, version, expected));
        options.out().print(JsonViews.aliasesBody(aliases), alias + " -> " + version + "  (" + SecretText.aliases(aliases) + ")");
        return ExitCodes.OK;
    }

    private static int transition(ClientOptions options, String name, int version, String action) {
        SecretArg ref = SecretArg.parse(name);
        Session s = options.session();
        SecretRef id = ref.ref(s);
        SecretVersion v = s.call((api, ctx) -> switch (action) {
            case "disable" -> api.disable(ctx, id, version);
            case "enable" -> api.enable(ctx, id, version);
            default -> api.destroy(ctx, id, version);
        });
        options.out().print(JsonViews.version(v), name + " version " + version + " " + v.status());
        return ExitCodes.OK;
    }
}
