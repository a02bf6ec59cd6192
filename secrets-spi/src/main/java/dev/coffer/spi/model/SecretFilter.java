package dev.coffer.spi.model;

import dev.coffer.spi.internal.PlainText;
import java.util.Map;
import java.util.TreeMap;

/**
 * Narrows a secret listing.
 *
 * <pre>{@code
 * new SecretFilter("prod", "payments/", Map.of("tier", "0", "team", "payments")); // both labels must match
 * }</pre>
 *
 * @param environment only secrets of this environment; {@code null} for all
 * @param pathPrefix only secrets whose path (without environment) starts with this; {@code null} for all
 * @param labels only secrets carrying every one of these labels with exactly this value; empty for all.
 *     Keys and values follow the label rules of {@link NewSecret}
 */
public record SecretFilter(String environment, String pathPrefix, Map<String, String> labels) {
    public SecretFilter {
        if (environment != null) {
            SecretPath.requireEnvironment(environment);
        }
        if (pathPrefix != null && pathPrefix.length() > SecretPath.MAX_PATH_LENGTH) {
            throw Fields.invalid("prefix is longer than " + SecretPath.MAX_PATH_LENGTH + " characters");
        }
        PlainText.require("prefix", pathPrefix);
        // Sorted, so that equal filters bind page tokens alike whatever order the labels came in.
        labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(Fields.requestedLabels(labels)));
    }

    /** A filter by environment and path prefix only. */
    public SecretFilter(String environment, String pathPrefix) {
        this(environment, pathPrefix, Map.of());
    }

    /** Every secret. */
    public static SecretFilter all() {
        return new SecretFilter(null, null);
    }

    /** Every secret of one environment. */
    public static SecretFilter environment(String environment) {
        return new SecretFilter(environment, null);
    }

    /** This filter, also requiring {@code labels} (which replace any labels it required). */
    public SecretFilter withLabels(Map<String, String> required) {
        return new SecretFilter(environment, pathPrefix, required);
    }

    /** Whether {@code path} passes the environment and prefix of this filter. */
    public boolean matches(SecretPath path) {
        return (environment == null || environment.equals(path.environment()))
                && (pathPrefix == null || path.path().startsWith(pathPrefix));
    }

    /** Whether {@code secret} passes this filter: environment, prefix and every label. */
    public boolean matches(Secret secret) {
        return matches(secret.path()) && secret.labels().entrySet().containsAll(labels.entrySet());
    }
}
