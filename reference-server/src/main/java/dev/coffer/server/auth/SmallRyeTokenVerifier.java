package dev.coffer.server.auth;

import dev.coffer.server.auth.TokenRejectedException.Reason;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import java.security.PublicKey;
import java.time.Clock;
import java.util.Objects;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;

/**
 * Verifies RS256 tokens with smallrye-jwt's parser, standalone (no CDI, no MicroProfile Config):
 * signature with the server's public key, {@code iss}, {@code aud}, {@code exp} and {@code nbf}
 * (no grace period beyond the clock skew of {@link JwtSettings#bounds()}), then the
 * {@link TokenBounds}: {@code iat} present and not in the future, lifetime within the maximum.
 *
 * <pre>{@code
 * TokenVerifier verifier = new SmallRyeTokenVerifier(publicKey, JwtSettings.defaults());
 * JsonWebToken jwt = verifier.verify(bearer);
 * }</pre>
 */
public final class SmallRyeTokenVerifier implements TokenVerifier {
    private final JWTParser parser;
    private final TokenBounds bounds;
    private final Clock clock;

    public SmallRyeTokenVerifier(PublicKey publicKey, JwtSettings settings) {
        this(publicKey, settings, Clock.systemUTC());
    }

    /** As above, judging {@code iat} by {@code clock} (jose4j judges {@code exp} by the system clock). */
    public SmallRyeTokenVerifier(PublicKey publicKey, JwtSettings settings, Clock clock) {
        JWTAuthContextInfo info = new JWTAuthContextInfo(publicKey, settings.issuer());
        info.setExpectedAudience(Set.of(settings.audience()));
        info.setSignatureAlgorithm(Set.of(SignatureAlgorithm.RS256));
        info.setClockSkew((int) settings.bounds().clockSkew().toSeconds());
        info.setExpGracePeriodSecs(0);
        info.setRequiredClaims(Set.of("exp", "iat"));
        this.parser = new DefaultJWTParser(info);
        this.bounds = settings.bounds();
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
        bounds.check(jwt, clock.instant());
        return jwt;
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
}
