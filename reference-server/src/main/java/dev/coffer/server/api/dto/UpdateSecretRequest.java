package dev.coffer.server.api.dto;

import dev.coffer.server.internal.Durations;
import dev.coffer.spi.model.SecretUpdate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code PATCH /v1/secrets/{id}} and {@code PATCH /v1/metadata/{environment}/{path}}: fields
 * present are replaced, absent fields kept. {@code labels} replaces the whole label map (as it
 * always has); {@code putLabels} and {@code removeLabels} merge instead, keeping every label they
 * do not name, atomically. A request gives one or the other, and never puts and removes one key.
 *
 * @param ownerTeam new owner team
 * @param description new description
 * @param rotationStrategy new strategy
 * @param rotationPeriod new period ({@code 90d} or ISO-8601)
 * @param labels the new full label set
 * @param putLabels labels to add or overwrite, keeping the others
 * @param removeLabels label keys to remove, keeping the others (absent keys are no error)
 */
public record UpdateSecretRequest(String ownerTeam, String description, String rotationStrategy, String rotationPeriod,
        Map<String, String> labels, Map<String, String> putLabels, List<String> removeLabels) {

    /** The API update. */
    public SecretUpdate toUpdate() {
        return new SecretUpdate(Optional.ofNullable(ownerTeam), Optional.ofNullable(description),
                Optional.ofNullable(rotationStrategy),
                Optional.ofNullable(rotationPeriod).map(p -> Durations.parse("rotationPeriod", p)),
                Optional.ofNullable(labels), putLabels == null ? Map.of() : putLabels,
                removeLabels == null ? Set.of() : keys(removeLabels));
    }

    private static Set<String> keys(List<String> keys) {
        Set<String> set = new java.util.LinkedHashSet<>();
        for (String key : keys) {
            if (key == null || !set.add(key)) {
                throw new dev.coffer.spi.error.InvalidRequestException(dev.coffer.spi.error.ErrorCode.INVALID_ARGUMENT,
                        key == null ? "removeLabels must not contain null" : "removeLabels names a label twice");
            }
        }
        return set;
    }
}
