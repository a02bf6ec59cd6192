package dev.coffer.server.api.dto;

import dev.coffer.server.internal.Instants;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretListItem;
import java.util.Map;

/**
 * One item of {@code GET /v1/secrets}: a secret's metadata (never a value), whether its deletion
 * is pending, and the version {@code current} points at.
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
 * @param deletionScheduledAt when the secret becomes purgeable, or absent
 * @param lastRotatedAt when {@code current} last moved, or absent
 * @param rotationDueAt when the next rotation is due, or absent
 * @param pendingDeletion whether deletion is scheduled (reads fail until it is restored)
 * @param currentVersion the version {@code current} points at, or absent before the first current version
 */
public record SecretListItemBody(String id, String environment, String path, String ownerTeam, String description,
        String rotationStrategy, String rotationPeriod, Map<String, String> labels, String createdAt, String updatedAt,
        String deletionScheduledAt, String lastRotatedAt, String rotationDueAt, boolean pendingDeletion, Integer currentVersion) {

    /** The body of {@code item}. */
    public static SecretListItemBody from(SecretListItem item) {
        Secret s = item.secret();
        return new SecretListItemBody(s.id(), s.path().environment(), s.path().path(), s.ownerTeam(), s.description(),
                s.rotationStrategy(), s.rotationPeriod() == null ? null : s.rotationPeriod().toString(), s.labels(),
                Instants.format(s.createdAt()), Instants.format(s.updatedAt()), Instants.format(s.deletionScheduledAt()),
                Instants.format(s.lastRotatedAt()), s.rotationDueAt().map(Instants::format).orElse(null), s.isPendingDeletion(),
                item.currentVersion().isPresent() ? item.currentVersion().getAsInt() : null);
    }
}
