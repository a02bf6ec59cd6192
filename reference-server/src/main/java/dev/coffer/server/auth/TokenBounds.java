package dev.coffer.server.auth;

import dev.coffer.server.auth.TokenRejectedException.Reason;
import jakarta.json.JsonNumber;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * How long a token may live and how far clocks may disagree: a token's lifetime
 * ({@code exp - iat}) must not exceed {@link #maxLifetime}, and its {@code iat} must not be later
 * than now plus {@link #clockSkew} (the same skew {@code exp} and {@code nbf} get). Both claims
 * are required; a token without {@code iat} is refused rather than bounded by {@code exp - now},
 * so a bound never depends on when the token happens to be presented.
 *
 * <p>Checked after the signature, by the standalone verifier and by the Liberty filter alike.
 *
 * <pre>{@code
 * TokenBounds bounds = new TokenBounds(Duration.ofDays(366), Duration.ofSeconds(30));
 * bounds.check(jwt, Instant.now()); // throws TokenRejectedException (LIFETIME, ISSUED_IN_FUTURE, ...)
 * }</pre>
 *
 * @param maxLifetime the longest {@code exp - iat} accepted (the bootstrap admin token lives 365 days)
 * @param clockSkew how far ahead of this server's clock {@code iat} may be
 */
public record TokenBounds(Duration maxLifetime, Duration clockSkew) {
    /** The default lifetime as the flag takes it. */
    public static final String DEFAULT_MAX_LIFETIME_TEXT = "366d";
    /** The default skew as the flag takes it. */
    public static final String DEFAULT_CLOCK_SKEW_TEXT = "30s";
    /** Accepts the bootstrap admin token (365 days) with a day to spare. */
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofDays(366);
    /** Tolerated clock difference between the token's issuer and this server. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    /** A skew beyond this is a broken clock, not a tolerance. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(10);

    public TokenBounds {
        Objects.requireNonNull(maxLifetime, "maxLifetime");
        Objects.requireNonNull(clockSkew, "clockSkew");
        if (maxLifetime.isNegative() || maxLifetime.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("the maximum token lifetime must be at least 1s");
        }
        if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
            throw new IllegalArgumentException("the token clock skew must be between 0 and " + text(MAX_CLOCK_SKEW));
        }
    }

    /** 366 days' lifetime, 30 s skew. */
    public static TokenBounds defaults() {
        return new TokenBounds(DEFAULT_MAX_LIFETIME, DEFAULT_CLOCK_SKEW);
    }

    /**
     * Checks {@code iat} and {@code exp} of a token whose signature was verified.
     *
     * @throws TokenRejectedException {@code MISSING_CLAIMS}, {@code ISSUED_IN_FUTURE} or {@code LIFETIME}
     */
    public void check(JsonWebToken jwt, Instant now) throws TokenRejectedException {
        Long iat = seconds(jwt.getClaim("iat"));
        Long exp = seconds(jwt.getClaim("exp"));
        if (iat == null || exp == null) {
            throw new TokenRejectedException(Reason.MISSING_CLAIMS, "token lacks iat or exp");
        }
        if (iat > now.getEpochSecond() + clockSkew.toSeconds()) {
            throw new TokenRejectedException(Reason.ISSUED_IN_FUTURE,
                    "token is issued in the future (iat is later than now plus the " + text(clockSkew) + " clock skew)");
        }
        long lifetime;
        try {
            lifetime = Math.subtractExact(exp, iat);
        } catch (ArithmeticException e) {
            lifetime = Long.MAX_VALUE;
        }
        if (lifetime > maxLifetime.toSeconds()) {
            throw new TokenRejectedException(Reason.LIFETIME,
                    "token lifetime (exp - iat) exceeds the maximum of " + text(maxLifetime));
        }
    }

    private static Long seconds(Object claim) {
        if (claim instanceof Number n) {
            return n.longValue();
        }
        if (claim instanceof JsonNumber n && n.isIntegral()) {
            return n.longValue();
        }
        return null;
    }

    /** {@code 366d}, {@code 12h}, {@code 30s}: how the flags are written. */
    static String text(Duration d) {
        long s = d.toSeconds();
        if (s != 0 && s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s != 0 && s % 3_600 == 0) {
            return s / 3_600 + "h";
        }
        if (s != 0 && s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
