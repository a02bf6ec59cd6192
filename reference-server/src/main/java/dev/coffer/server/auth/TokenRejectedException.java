package dev.coffer.server.auth;

/**
 * A bearer token was refused. The message says why in a fixed form (expired, wrong issuer, bad
 * signature...) and never contains the token or its claims.
 */
public final class TokenRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    public TokenRejectedException(String message) {
        super(message, null, false, false);
    }
}
