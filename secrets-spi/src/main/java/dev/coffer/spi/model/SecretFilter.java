package dev.coffer.spi.model;

import dev.coffer.spi.internal.PlainText;

/**
 * Narrows a secret listing.
 *
 * @param environment only secrets of this environment; {@code null} for all
 * @param pathPrefix only secrets whose path (without environment) starts with this; {@code null} for all
 */
public record SecretFilter(String environment, String pathPrefix) {
    public SecretFilter {
        if (environment != null) {
            SecretPath.requireEnvironment(environment);
        }
        if (pathPrefix != null && pathPrefix.length() > SecretPath.MAX_PATH_LENGTH) {
            throw Fields.invalid("prefix is longer than " + SecretPath.MAX_PATH_LENGTH + " characters");
        }
        PlainText.require("prefix", pathPrefix);
    }

    /** Every secret. */
    public static SecretFilter all() {
        return new SecretFilter(null, null);
    }

    /** Every secret of one environment. */
    public static SecretFilter environment(String environment) {
        return new SecretFilter(environment, null);
    }

    /** Whether {@code path} passes this filter. */
    public boolean matches(SecretPath path) {
        return (environment == null || environment.equals(path.environment()))
                && (pathPrefix == null || path.path().startsWith(pathPrefix));
    }
}
