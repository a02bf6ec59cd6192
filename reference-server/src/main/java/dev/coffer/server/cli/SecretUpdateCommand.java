package dev.coffer.server.cli;

import dev.coffer.server.internal.Durations;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretRef;
import dev.coffer.spi.model.SecretUpdate;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code coffer secret update}: changes metadata; what is not given is kept. */
@Command(name = "update", description = {"Change a secret's metadata; what is not given is kept.",
    "Labels merge: --label sets or changes one label, --remove-label removes one, every other label stays.",
    "The server merges in one atomic step, so concurrent updates of other labels are not lost."},
        footerHeading = Coffer.EXAMPLE, footer = {"  coffer secret update prod/db/password --description 'orders DB, primary' --rotation-period 30d",
            "  coffer secret update prod/db/password --label tier=0 --remove-label legacy"})
final class SecretUpdateCommand implements Callable<Integer> {
    @Mixin
    ClientOptions options;

    @Parameters(paramLabel = SecretCommand.NAME_LABEL, description = SecretCommand.NAME_DESCRIPTION)
    String name;

    @Option(names = "--owner-team", paramLabel = "<team>", description = "The new accountable team")
    String ownerTeam;

    @Option(names = "--description", paramLabel = "<text>", description = "The new description ('' clears it)")
    String description;

    @Option(names = "--rotation-period", paramLabel = "<duration>", description = "How often it should be rotated, e.g. 30d, 12h")
    String rotationPeriod;

    @Option(names = "--rotation-strategy", paramLabel = "<strategy>", description = "manual-overlap, generated or a rotator name")
    String rotationStrategy;

    @Option(names = "--label", paramLabel = "<key>=<value>", description = "Set this label, keeping the others; repeatable")
    Map<String, String> putLabels;

    @Option(names = "--remove-label", paramLabel = "<key>", description = "Remove this label, keeping the others; repeatable")
    Set<String> removeLabels;

    @Override
    public Integer call() {
        SecretArg ref = SecretArg.parse(name);
        SecretUpdate update = update();
        Session s = options.session();
        SecretRef id = ref.ref(s);
        Secret secret = s.call((api, ctx) -> api.update(ctx, id, update));
        options.out().print(JsonViews.secret(secret), "updated " + name + "\n" + SecretText.metadata(secret));
        return ExitCodes.OK;
    }

    /** The update the options ask for, checked before any request. */
    private SecretUpdate update() {
        SecretUpdate update = SecretUpdate.none();
        if (ownerTeam != null) {
            update = update.withOwnerTeam(ownerTeam);
        }
        if (description != null) {
            update = update.withDescription(description);
        }
        if (rotationPeriod != null) {
            update = update.withRotationPeriod(Durations.parse("--rotation-period", rotationPeriod));
        }
        if (rotationStrategy != null) {
            update = update.withRotationStrategy(rotationStrategy);
        }
        if (putLabels != null) {
            update = update.withLabelsPut(putLabels);
        }
        if (removeLabels != null) {
            update = update.withLabelsRemoved(removeLabels);
        }
        if (update.equals(SecretUpdate.none())) {
            throw new CliException(ExitCodes.USAGE, "nothing to update: pass --owner-team, --description, --rotation-period,"
                    + " --rotation-strategy, --label or --remove-label");
        }
        return update;
    }
}
