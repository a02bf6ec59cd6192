package dev.coffer.server.auth;

import java.time.Clock;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Verifies a compact JWS and returns its claims. */
@FunctionalInterface
public interface TokenVerifier {
    /**
     * Checks signature, issuer, audience and expiry.
     *
     * @throws TokenRejectedException with a fixed-form reason
     */
    JsonWebToken verify(String token) throws TokenRejectedException;

    /**
     * The clock this verifier judges {@code exp} by. {@link VerifiedTokens} re-checks a cached
     * verification against it, so a cached token is never served past the instant this verifier
     * would refuse it.
     */
    default Clock clock() {
        return Clock.systemUTC();
    }
}
