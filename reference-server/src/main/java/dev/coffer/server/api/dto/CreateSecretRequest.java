package dev.coffer.server.api.dto;

import dev.coffer.server.internal.Durations;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.SecretPath;
import java.util.Map;

/**
 * {@code POST /v1/secrets}.
 *
 * @param environment e.g. {@code prod}
 * @param path e.g. {@code payments/stripe-api-key}
 * @param ownerTeam accountable team
 * @param description optional
 * @param rotationStrategy optional, {@code manual-overlap} by default
 * @param rotationPeriod optional, {@code 90d} or ISO-8601 {@code P90D}
 * @param labels optional
 */
public record CreateSecretRequest(String environment, String path, String ownerTeam, String description,
        String rotationStrategy, String rotationPeriod, Map<String, String> labels) {

    /** The API request in {@code tenant}. */
    public NewSecret toNewSecret(String tenant) {
        return NewSecret.builder(SecretPath.of(tenant, environment, path), ownerTeam)
                .description(description)
                .rotationStrategy(rotationStrategy)
                .rotationPeriod(rotationPeriod == null ? null : Durations.parse("rotationPeriod", rotationPeriod))
                .labels(labels == null ? Map.of() : labels)
                .build();
    }
}
