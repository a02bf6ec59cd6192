package dev.coffer.server.auth;

import java.util.Locale;
import java.util.Objects;

/**
 * A bearer token was refused. The message says why in a fixed form (expired, wrong issuer, bad
 * signature...) and never contains the token or its claims; the {@link Reason} is the same fact
 * as a bounded word, for metrics and logs.
 */
public final class TokenRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a request was not authenticated. A closed set: each is a metric label value. */
    public enum Reason {
        /** No {@code Authorization} header. */
        MISSING,
        /** Not a bearer token, empty, too long, or not a JWS at all. */
        MALFORMED,
        /** The signature does not verify with the server's key (forged or tampered). */
        BAD_SIGNATURE,
        /** {@code exp} has passed. */
        EXPIRED,
        /** {@code nbf} is still ahead. */
        NOT_YET_VALID,
        /** {@code iss} is not the expected issuer. */
        BAD_ISSUER,
        /** {@code aud} does not name the expected audience. */
        BAD_AUDIENCE,
        /** {@code iat} or {@code exp} is missing. */
        MISSING_CLAIMS,
        /** {@code exp - iat} exceeds the maximum token lifetime. */
        LIFETIME,
        /** {@code iat} is later than now plus the clock skew. */
        ISSUED_IN_FUTURE,
        /** No usable {@code sub}/{@code upn}, a subject posing as a group, or an id the principal rules refuse. */
        BAD_PRINCIPAL,
        /** A {@code tenant} claim that is present but not a valid tenant id. */
        BAD_TENANT,
        /** Refused by a container's verifier that gives no finer reason (Liberty's mpJwt). */
        INVALID;

        /** The metric label value: {@code bad_signature}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;

    public TokenRejectedException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why, as a bounded word. */
    public Reason reason() {
        return reason;
    }
}
