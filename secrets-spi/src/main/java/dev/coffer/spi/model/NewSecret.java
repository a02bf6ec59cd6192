package dev.coffer.spi.model;

import java.time.Duration;
import java.util.Map;

/**
 * A request to create a secret (metadata only; values are added as versions).
 *
 * <pre>{@code
 * NewSecret request = NewSecret.builder(SecretPath.parse("acme", "prod/payments/stripe-api-key"), "payments")
 *         .description("Stripe live key")
 *         .rotationPeriod(Duration.ofDays(90))
 *         .build();
 * }</pre>
 *
 * @param path where the secret will live
 * @param ownerTeam accountable team, required
 * @param description optional free text, at most 1024 characters, plain text (no control characters,
 *     lone surrogates or noncharacters)
 * @param rotationStrategy optional; defaults to {@code manual-overlap}
 * @param rotationPeriod optional; {@link Secret#MIN_ROTATION_PERIOD} to {@link Secret#MAX_ROTATION_PERIOD}
 * @param labels optional; values are plain text like the description
 */
public record NewSecret(
        SecretPath path,
        String ownerTeam,
        String description,
        String rotationStrategy,
        Duration rotationPeriod,
        Map<String, String> labels) {

    public NewSecret {
        Fields.required(path, "path");
        ownerTeam = Fields.ownerTeam(ownerTeam);
        description = Fields.requestedDescription(description);
        rotationStrategy = Fields.rotationStrategy(rotationStrategy);
        rotationPeriod = Fields.rotationPeriod(rotationPeriod);
        labels = Fields.requestedLabels(labels);
    }

    /** Starts a request for {@code path} owned by {@code ownerTeam}. */
    public static Builder builder(SecretPath path, String ownerTeam) {
        return new Builder(path, ownerTeam);
    }

    /** Builder for {@link NewSecret}; {@link #build()} validates. */
    public static final class Builder {
        private final SecretPath path;
        private final String ownerTeam;
        private String description;
        private String rotationStrategy;
        private Duration rotationPeriod;
        private Map<String, String> labels = Map.of();

        private Builder(SecretPath path, String ownerTeam) {
            this.path = path;
            this.ownerTeam = ownerTeam;
        }

        public Builder description(String description) {
            this.description = description;
            return this;
        }

        public Builder rotationStrategy(String rotationStrategy) {
            this.rotationStrategy = rotationStrategy;
            return this;
        }

        public Builder rotationPeriod(Duration rotationPeriod) {
            this.rotationPeriod = rotationPeriod;
            return this;
        }

        public Builder labels(Map<String, String> labels) {
            this.labels = labels;
            return this;
        }

        public NewSecret build() {
            return new NewSecret(path, ownerTeam, description, rotationStrategy, rotationPeriod, labels);
        }
    }
}
