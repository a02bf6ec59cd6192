package dev.coffer.server.api.dto;

import dev.coffer.server.internal.Instants;
import dev.coffer.spi.rotation.RotationStatus;

/**
 * How a secret stands with rotation ({@code GET /v1/secrets/{id}/rotation}, items of {@code GET /v1/rotations}).
 *
 * @param secretId {@code sec_...}
 * @param environment the secret's environment
 * @param path the secret's path inside it
 * @param policy its rotation policy
 * @param lastRotatedAt when {@code current} last moved (a manual add of a CURRENT version counts), or absent
 * @param nextRotationAt when the next rotation is due, or absent (disabled, or a schedule that never fires)
 * @param overdue whether the due moment plus the window passed without a rotation
 * @param openRun the run in progress, or absent
 * @param lastRun the newest run (the open one if any), or absent before the first
 */
public record RotationStatusBody(String secretId, String environment, String path, RotationPolicyBody policy,
        String lastRotatedAt, String nextRotationAt, boolean overdue, RotationRunBody openRun, RotationRunBody lastRun) {

    /** The body of {@code s}. */
    public static RotationStatusBody from(RotationStatus s) {
        return new RotationStatusBody(s.secretId(), s.path().environment(), s.path().path(), RotationPolicyBody.from(s.policy()),
                Instants.format(s.lastRotatedAt()), Instants.format(s.nextRotationAt()), s.overdue(),
                RotationRunBody.from(s.openRun()), RotationRunBody.from(s.lastRun()));
    }
}
