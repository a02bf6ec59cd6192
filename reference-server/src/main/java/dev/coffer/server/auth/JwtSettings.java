package dev.coffer.server.auth;

import java.util.Objects;

/**
 * What a token must say about where it comes from, whom it is for and how long it lives.
 *
 * @param issuer expected {@code iss}
 * @param audience expected {@code aud} (one of the token's audiences)
 * @param bounds the longest lifetime and the clock skew accepted
 */
public record JwtSettings(String issuer, String audience, TokenBounds bounds) {
    /** The issuer the standalone server signs and expects by default. */
    public static final String DEFAULT_ISSUER = "coffer";
    /** The audience the standalone server signs and expects by default. */
    public static final String DEFAULT_AUDIENCE = "coffer";

    public JwtSettings {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(bounds, "bounds");
    }

    /** {@code issuer} and {@code audience} with the default {@link TokenBounds}. */
    public JwtSettings(String issuer, String audience) {
        this(issuer, audience, TokenBounds.defaults());
    }

    /** Issuer and audience {@code coffer}, default bounds. */
    public static JwtSettings defaults() {
        return new JwtSettings(DEFAULT_ISSUER, DEFAULT_AUDIENCE);
    }
}
