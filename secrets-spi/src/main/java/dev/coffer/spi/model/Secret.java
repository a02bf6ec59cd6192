package dev.coffer.spi.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A secret's metadata. Never holds a value: values live in versions and are returned only as
 * {@link SecretValue} by a read.
 *
 * @param id stable id, {@code sec_} followed by random base32
 * @param path where the secret lives
 * @param ownerTeam the team accountable for the secret and its rotation
 * @param description free text, empty when not given
 * @param rotationStrategy {@code manual-overlap}, {@code generated} or a rotator name
 * @param rotationPeriod how often the secret should be rotated; {@code null} when not tracked
 * @param labels free key/value labels
 * @param createdAt creation time
 * @param updatedAt time of the last metadata change
 * @param deletionScheduledAt when the secret will be purgeable; {@code null} unless deletion is scheduled
 * @param lastRotatedAt when alias {@code current} last moved; {@code null} before the first current version
 */
public record Secret(
        String id,
        SecretPath path,
        String ownerTeam,
        String description,
        String rotationStrategy,
        Duration rotationPeriod,
        Map<String, String> labels,
        Instant createdAt,
        Instant updatedAt,
        Instant deletionScheduledAt,
        Instant lastRotatedAt) {

    /** Rotation by adding a new version beside the old one, promoting it, then disabling the old. */
    public static final String ROTATION_MANUAL_OVERLAP = "manual-overlap";
    /** Rotation by generating a fresh random value. */
    public static final String ROTATION_GENERATED = "generated";

    public Secret {
        Fields.required(id, "id");
        Fields.required(path, "path");
        ownerTeam = Fields.ownerTeam(ownerTeam);
        description = Fields.description(description);
        rotationStrategy = Fields.rotationStrategy(rotationStrategy);
        rotationPeriod = Fields.rotationPeriod(rotationPeriod);
        labels = Fields.labels(labels);
        Fields.required(createdAt, "createdAt");
        Fields.required(updatedAt, "updatedAt");
    }

    /** Whether deletion is scheduled: the secret refuses reads and changes until restored. */
    public boolean isPendingDeletion() {
        return deletionScheduledAt != null;
    }

    /** When the next rotation is due, if a rotation period is set. */
    public Optional<Instant> rotationDueAt() {
        if (rotationPeriod == null) {
            return Optional.empty();
        }
        return Optional.of(Objects.requireNonNullElse(lastRotatedAt, createdAt).plus(rotationPeriod));
    }

    /** A copy with deletion scheduled for {@code at} (or cleared with {@code null}). */
    public Secret withDeletionScheduledAt(Instant at, Instant now) {
        return new Secret(id, path, ownerTeam, description, rotationStrategy, rotationPeriod, labels,
                createdAt, now, at, lastRotatedAt);
    }

    /** A copy with {@code lastRotatedAt} set. */
    public Secret withLastRotatedAt(Instant at) {
        return new Secret(id, path, ownerTeam, description, rotationStrategy, rotationPeriod, labels,
                createdAt, updatedAt, deletionScheduledAt, at);
    }
}
