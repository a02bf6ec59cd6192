package dev.coffer.server.auth;

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
}
