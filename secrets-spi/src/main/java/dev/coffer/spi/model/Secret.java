package dev.coffer.spi.model;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A secret's metadata. Never holds a value: values live in versions and are returned only as
 * {@link SecretValue} by a read.
 *
 * @param id stable id, {@code sec_} followed by random base32; at most 64 characters (see {@link SecretRef})
 * @param path where the secret lives
 * @param ownerTeam the team accountable for the secret and its rotation
 * @param description free text, empty when not given
 * @param rotationStrategy {@code manual-overlap}, {@code generated} or a rotator name
 * @param rotationPeriod how often the secret should be rotated; {@code null} when not tracked. New and
 *     updated secrets keep {@link #MIN_ROTATION_PERIOD} to {@link #MAX_ROTATION_PERIOD}
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
    /** The shortest rotation period a secret may be created or updated with: one hour. */
    public static final Duration MIN_ROTATION_PERIOD = Duration.ofHours(1);
    /** The longest rotation period a secret may be created or updated with: 3650 days (ten years). */
    public static final Duration MAX_ROTATION_PERIOD = Duration.ofDays(3650);

    public Secret {
        Fields.required(id, "id");
        Fields.required(path, "path");
        ownerTeam = Fields.ownerTeam(ownerTeam);
        description = Fields.description(description);
        rotationStrategy = Fields.rotationStrategy(rotationStrategy);
        // Only positive here: a store may hold a period from before the bounds that requests keep.
        rotationPeriod = Fields.storedRotationPeriod(rotationPeriod);
        labels = Fields.labels(labels);
        Fields.required(createdAt, "createdAt");
        Fields.required(updatedAt, "updatedAt");
    }

    /** Whether deletion is scheduled: the secret refuses reads and changes until restored. */
    public boolean isPendingDeletion() {
        return deletionScheduledAt != null;
    }

    /**
     * When the next rotation is due, if a rotation period is set. Empty also when the due date lies
     * beyond what an {@link Instant} holds (a stored period or instant outside the bounds that
     * requests keep), so that one such secret cannot break a listing or the audit summary.
     */
    public Optional<Instant> rotationDueAt() {
        if (rotationPeriod == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Objects.requireNonNullElse(lastRotatedAt, createdAt).plus(rotationPeriod));
        } catch (DateTimeException | ArithmeticException beyondInstant) {
            return Optional.empty();
        }
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
