package dev.coffer.spi.model;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A partial metadata update: each present field replaces the stored one, absent fields are kept.
 *
 * @param ownerTeam new owner team, if changing
 * @param description new description, if changing; plain text as in {@link NewSecret}
 * @param rotationStrategy new strategy, if changing
 * @param rotationPeriod new period, if changing; {@link Secret#MIN_ROTATION_PERIOD} to {@link Secret#MAX_ROTATION_PERIOD}
 * @param labels the new full label set, if changing
 */
public record SecretUpdate(
        Optional<String> ownerTeam,
        Optional<String> description,
        Optional<String> rotationStrategy,
        Optional<Duration> rotationPeriod,
        Optional<Map<String, String>> labels) {

    public SecretUpdate {
        ownerTeam = Fields.required(ownerTeam, "ownerTeam").map(Fields::ownerTeam);
        description = Fields.required(description, "description").map(Fields::requestedDescription);
        rotationStrategy = Fields.required(rotationStrategy, "rotationStrategy").map(Fields::rotationStrategy);
        rotationPeriod = Fields.required(rotationPeriod, "rotationPeriod").map(Fields::rotationPeriod);
        labels = Fields.required(labels, "labels").map(Fields::requestedLabels);
    }

    /** An update that changes nothing; chain the {@code with} methods. */
    public static SecretUpdate none() {
        return new SecretUpdate(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public SecretUpdate withOwnerTeam(String team) {
        return new SecretUpdate(Optional.of(team), description, rotationStrategy, rotationPeriod, labels);
    }

    public SecretUpdate withDescription(String text) {
        return new SecretUpdate(ownerTeam, Optional.of(text), rotationStrategy, rotationPeriod, labels);
    }

    public SecretUpdate withRotationStrategy(String strategy) {
        return new SecretUpdate(ownerTeam, description, Optional.of(strategy), rotationPeriod, labels);
    }

    public SecretUpdate withRotationPeriod(Duration period) {
        return new SecretUpdate(ownerTeam, description, rotationStrategy, Optional.of(period), labels);
    }

    public SecretUpdate withLabels(Map<String, String> newLabels) {
        return new SecretUpdate(ownerTeam, description, rotationStrategy, rotationPeriod, Optional.of(newLabels));
    }

    /** Applies this update to {@code secret}, stamping {@code updatedAt}. */
    public Secret applyTo(Secret secret, java.time.Instant now) {
        return new Secret(secret.id(), secret.path(),
                ownerTeam.orElse(secret.ownerTeam()),
                description.orElse(secret.description()),
                rotationStrategy.orElse(secret.rotationStrategy()),
                rotationPeriod.orElse(secret.rotationPeriod()),
                labels.orElse(secret.labels()),
                secret.createdAt(), now, secret.deletionScheduledAt(), secret.lastRotatedAt());
    }
}
