package dev.coffer.server.auth;

import dev.coffer.server.auth.TokenRejectedException.Reason;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.DefaultJWTTokenParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eclipse.microprofile.jwt.Claims;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;

/**
 * Verifies RS256 tokens with smallrye-jwt's parser, standalone (no CDI, no MicroProfile Config):
 * signature with the server's public key, {@code iss}, {@code aud}, {@code exp} and {@code nbf}
 * (no grace period beyond the clock skew of {@link JwtSettings#bounds()}), then the
 * {@link TokenBounds}: {@code iat} present and not in the future, lifetime within the maximum.
 * {@code exp} is judged twice: by jose4j against the system clock, and by {@link #clock()} (the
 * same in production; a test clock moves it), with the same skew, so a token is refused once
 * either says it has expired.
 *
 * <p>The tokens it returns read custom claims ({@code tenant}, {@code cluster}) without an
 * exception: smallrye-jwt's own principal looks every claim name up with {@code Claims.valueOf},
 * which throws (and fills a stack trace) for each name that is not a standard claim.
 *
 * <pre>{@code
 * TokenVerifier verifier = new SmallRyeTokenVerifier(publicKey, JwtSettings.defaults());
 * JsonWebToken jwt = verifier.verify(bearer);
 * }</pre>
 */
public final class SmallRyeTokenVerifier implements TokenVerifier {
    private final JWTParser parser;
    private final TokenBounds bounds;
    private final long clockSkewSeconds;
    private final Clock clock;

    public SmallRyeTokenVerifier(PublicKey publicKey, JwtSettings settings) {
        this(publicKey, settings, Clock.systemUTC());
    }

    /**
     * As above, judging {@code iat} and {@code exp} by {@code clock} (jose4j judges {@code exp} by the
     * system clock as well).
     */
    public SmallRyeTokenVerifier(PublicKey publicKey, JwtSettings settings, Clock clock) {
        JWTAuthContextInfo info = new JWTAuthContextInfo(publicKey, settings.issuer());
        info.setExpectedAudience(Set.of(settings.audience()));
        info.setSignatureAlgorithm(Set.of(SignatureAlgorithm.RS256));
        info.setClockSkew((int) settings.bounds().clockSkew().toSeconds());
        info.setExpGracePeriodSecs(0);
        info.setRequiredClaims(Set.of("exp", "iat"));
        this.parser = new DefaultJWTParser(info, new ExceptionFreeClaims());
        this.bounds = settings.bounds();
        this.clockSkewSeconds = settings.bounds().clockSkew().toSeconds();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public JsonWebToken verify(String token) throws TokenRejectedException {
        JsonWebToken jwt;
        try {
            jwt = parser.parse(token);
        } catch (ParseException e) {
            throw rejection(e);
        } catch (RuntimeException e) {
            throw new TokenRejectedException(Reason.MALFORMED, "token is malformed");
        }
        Instant now = clock.instant();
        // jose4j's rule (expired once now - skew >= exp), by this verifier's clock.
        if (now.getEpochSecond() - clockSkewSeconds >= jwt.getExpirationTime()) {
            throw new TokenRejectedException(Reason.EXPIRED, "token has expired");
        }
        bounds.check(jwt, now);
        return jwt;
    }

    /** The clock {@code iat} and {@code exp} are judged by. */
    @Override
    public Clock clock() {
        return clock;
    }

    // jose4j's messages quote the claims; only its error codes are used.
    private static TokenRejectedException rejection(ParseException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidJwtException invalid) {
                if (invalid.hasExpired()) {
                    return new TokenRejectedException(Reason.EXPIRED, "token has expired");
                }
                if (invalid.hasErrorCode(ErrorCodes.SIGNATURE_INVALID) || invalid.hasErrorCode(ErrorCodes.SIGNATURE_MISSING)) {
                    return new TokenRejectedException(Reason.BAD_SIGNATURE, "token signature does not verify");
                }
                if (invalid.hasErrorCode(ErrorCodes.ISSUER_INVALID) || invalid.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
                    return new TokenRejectedException(Reason.BAD_ISSUER, "token issuer is not accepted");
                }
                if (invalid.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || invalid.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
                    return new TokenRejectedException(Reason.BAD_AUDIENCE, "token audience is not accepted");
                }
                if (invalid.hasErrorCode(ErrorCodes.ISSUED_AT_MISSING) || invalid.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)) {
                    return new TokenRejectedException(Reason.MISSING_CLAIMS, "token lacks iat or exp");
                }
                if (invalid.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
                    return new TokenRejectedException(Reason.NOT_YET_VALID, "token is not valid yet");
                }
            }
        }
        return new TokenRejectedException(Reason.MALFORMED, "token is malformed or its signature does not verify");
    }

    /**
     * smallrye-jwt's own factory, but its principals look claim names up in a map of the standard
     * claims: {@code Claims.valueOf("tenant")} throws an {@link IllegalArgumentException} per lookup,
     * which was ~2 % of the server's CPU on a read.
     */
    private static final class ExceptionFreeClaims extends JWTCallerPrincipalFactory {
        private final DefaultJWTTokenParser tokens = new DefaultJWTTokenParser();

        @Override
        public JWTCallerPrincipal parse(String token, JWTAuthContextInfo info) throws ParseException {
            JwtContext context = tokens.parse(token, info);
            return new VerifiedJwt(context.getJoseObjects().get(0).getHeader("typ"), context.getJwtClaims());
        }
    }

    /** A verified token whose claim lookups never throw. */
    private static final class VerifiedJwt extends DefaultJWTCallerPrincipal {
        private static final Map<String, Claims> STANDARD = Arrays.stream(Claims.values())
                .collect(Collectors.toUnmodifiableMap(Claims::name, Function.identity()));

        VerifiedJwt(String type, JwtClaims claims) {
            super(type, claims);
        }

        @Override
        protected Claims getClaimType(String claimName) {
            return STANDARD.getOrDefault(claimName, Claims.UNKNOWN);
        }

        // The parent's toString lists claims; a principal that reaches a log must not.
        @Override
        public String toString() {
            return "VerifiedJwt[claims hidden]";
        }

        @Override
        public String toString(boolean showAll) {
            return toString();
        }
    }
}
