package dev.coffer.server.api.dto;

import dev.coffer.server.internal.Durations;
import dev.coffer.spi.model.SecretUpdate;
import java.util.Map;
import java.util.Optional;

/**
 * {@code PATCH /v1/secrets/{id}}: fields present are replaced, absent fields kept.
 *
 * @param ownerTeam new owner team
 * @param description new description
 * @param rotationStrategy new strategy
 * @param rotationPeriod new period ({@code 90d} or ISO-8601)
 * @param labels the new full label set
 */
public record UpdateSecretRequest(String ownerTeam, String description, String rotationStrategy, String rotationPeriod,
        Map<String, String> labels) {

    /** The API update. */
    public SecretUpdate toUpdate() {
        return new SecretUpdate(Optional.ofNullable(ownerTeam), Optional.ofNullable(description),
                Optional.ofNullable(rotationStrategy),
                Optional.ofNullable(rotationPeriod).map(p -> Durations.parse("rotationPeriod", p)),
                Optional.ofNullable(labels));
    }
}
