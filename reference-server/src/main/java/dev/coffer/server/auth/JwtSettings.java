package dev.coffer.server.auth;

import java.util.Objects;

/**
 * What a token must say about where it comes from and whom it is for.
 *
 * @param issuer expected {@code iss}
 * @param audience expected {@code aud} (one of the token's audiences)
 */
public record JwtSettings(String issuer, String audience) {
    /** The issuer the standalone server signs and expects by default. */
    public static final String DEFAULT_ISSUER = "coffer";
    /** The audience the standalone server signs and expects by default. */
    public static final String DEFAULT_AUDIENCE = "coffer";

    public JwtSettings {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
    }

    /** Issuer and audience {@code coffer}. */
    public static JwtSettings defaults() {
        return new JwtSettings(DEFAULT_ISSUER, DEFAULT_AUDIENCE);
    }
}
