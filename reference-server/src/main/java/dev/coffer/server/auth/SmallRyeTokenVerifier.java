package dev.coffer.server.auth;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import java.security.PublicKey;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;

/**
 * Verifies RS256 tokens with smallrye-jwt's parser, standalone (no CDI, no MicroProfile Config):
 * signature with the server's public key, {@code iss}, {@code aud}, {@code exp} (no grace period
 * beyond a 30 second clock skew) and the presence of {@code iat}.
 *
 * <pre>{@code
 * TokenVerifier verifier = new SmallRyeTokenVerifier(publicKey, JwtSettings.defaults());
 * JsonWebToken jwt = verifier.verify(bearer);
 * }</pre>
 */
public final class SmallRyeTokenVerifier implements TokenVerifier {
    private static final int CLOCK_SKEW_SECONDS = 30;

    private final JWTParser parser;

    public SmallRyeTokenVerifier(PublicKey publicKey, JwtSettings settings) {
        JWTAuthContextInfo info = new JWTAuthContextInfo(publicKey, settings.issuer());
        info.setExpectedAudience(Set.of(settings.audience()));
        info.setSignatureAlgorithm(Set.of(SignatureAlgorithm.RS256));
        info.setClockSkew(CLOCK_SKEW_SECONDS);
        info.setExpGracePeriodSecs(0);
        info.setRequiredClaims(Set.of("exp", "iat"));
        this.parser = new DefaultJWTParser(info);
    }

    @Override
    public JsonWebToken verify(String token) throws TokenRejectedException {
        try {
            return parser.parse(token);
        } catch (ParseException e) {
            throw new TokenRejectedException(reason(e));
        } catch (RuntimeException e) {
            throw new TokenRejectedException("token is malformed");
        }
    }

    // jose4j's messages quote the claims; only its error codes are used.
    private static String reason(ParseException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidJwtException invalid) {
                if (invalid.hasExpired()) {
                    return "token has expired";
                }
                if (invalid.hasErrorCode(ErrorCodes.SIGNATURE_INVALID) || invalid.hasErrorCode(ErrorCodes.SIGNATURE_MISSING)) {
                    return "token signature does not verify";
                }
                if (invalid.hasErrorCode(ErrorCodes.ISSUER_INVALID) || invalid.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
                    return "token issuer is not accepted";
                }
                if (invalid.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || invalid.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
                    return "token audience is not accepted";
                }
                if (invalid.hasErrorCode(ErrorCodes.ISSUED_AT_MISSING) || invalid.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)) {
                    return "token lacks iat or exp";
                }
                if (invalid.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
                    return "token is not valid yet";
                }
            }
        }
        return "token is malformed or its signature does not verify";
    }
}
