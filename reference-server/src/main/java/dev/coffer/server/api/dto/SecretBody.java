package dev.coffer.server.api.dto;

import dev.coffer.server.internal.Instants;
import dev.coffer.spi.model.Secret;
import java.util.Map;

/**
 * A secret's metadata (never a value).
 *
 * @param id {@code sec_...}
 * @param environment environment
 * @param path path inside the environment
 * @param ownerTeam owner team
 * @param description description
 * @param rotationStrategy rotation strategy
 * @param rotationPeriod ISO-8601 duration, or absent
 * @param labels labels
 * @param createdAt creation time
 * @param updatedAt last metadata change
 * @param deletionScheduledAt when deletion is due, or absent
 * @param lastRotatedAt when {@code current} last moved, or absent
 * @param rotationDueAt when the next rotation is due, or absent
 */
public record SecretBody(String id, String environment, String path, String ownerTeam, String description,
        String rotationStrategy, String rotationPeriod, Map<String, String> labels, String createdAt, String updatedAt,
        String deletionScheduledAt, String lastRotatedAt, String rotationDueAt) {

    /** The body of {@code s}. */
    public static SecretBody from(Secret s) {
        return new SecretBody(s.id(), s.path().environment(), s.path().path(), s.ownerTeam(), s.description(),
                s.rotationStrategy(), s.rotationPeriod() == null ? null : s.rotationPeriod().toString(), s.labels(),
                Instants.format(s.createdAt()), Instants.format(s.updatedAt()), Instants.format(s.deletionScheduledAt()),
                Instants.format(s.lastRotatedAt()), s.rotationDueAt().map(Instants::format).orElse(null));
    }
}
