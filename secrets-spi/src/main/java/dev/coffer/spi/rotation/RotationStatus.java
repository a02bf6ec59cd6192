package dev.coffer.spi.rotation;

import dev.coffer.spi.model.SecretPath;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How a secret stands with rotation: its policy, when it last rotated and is next due, whether it
 * is overdue, and its open and latest runs. A manual move of {@code current} counts as a rotation.
 *
 * @param secretId the secret
 * @param path where it lives
 * @param policy its rotation policy
 * @param lastRotatedAt when {@code current} last moved, or {@code null}
 * @param nextRotationAt when the next rotation is due, or {@code null} (disabled policy, or a schedule that never fires)
 * @param overdue whether the due moment plus the policy's window has passed without a rotation
 * @param openRun the run in progress, or {@code null}
 * @param lastRun the newest run (the open one if any), or {@code null} before the first
 */
public record RotationStatus(
        String secretId,
        SecretPath path,
        RotationPolicy policy,
        Instant lastRotatedAt,
        Instant nextRotationAt,
        boolean overdue,
        RotationRun openRun,
        RotationRun lastRun) {

    public RotationStatus {
        Objects.requireNonNull(secretId, "secretId");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(policy, "policy");
    }

    /** The run in progress. */
    public Optional<RotationRun> open() {
        return Optional.ofNullable(openRun);
    }

    /** The newest run. */
    public Optional<RotationRun> latest() {
        return Optional.ofNullable(lastRun);
    }
}
