package dev.coffer.config.cache;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.SecretsException;
import java.util.Set;

/**
 * Which errors are an explicit revocation, after which a cached value must not be served again:
 * the version was disabled or destroyed, the secret deleted (or scheduled for deletion), the
 * version or alias is gone, or access was revoked (including a 401 that a re-read token did not
 * cure). Everything else (unreachable server, timeout, 5xx, audit outage) is transient.
 *
 * <p>An unset alias {@code next} on a {@code #next} mapping never gets here: {@link SecretCache}
 * serves {@code current} for it instead (canary instances), and only for that code on that alias.
 */
final class Revocation {
    private static final Set<ErrorCode> CODES = Set.of(ErrorCode.VERSION_DISABLED, ErrorCode.VERSION_DESTROYED,
            ErrorCode.SECRET_NOT_FOUND, ErrorCode.SECRET_PENDING_DELETION, ErrorCode.VERSION_NOT_FOUND,
            ErrorCode.ALIAS_NOT_FOUND, ErrorCode.ACCESS_DENIED, ErrorCode.UNAUTHENTICATED);

    private Revocation() {}

    static boolean is(RuntimeException e) {
        return e instanceof SecretsException s && CODES.contains(s.code());
    }

    /** Errors retrying cannot fix at startup: revocations and malformed requests. */
    static boolean definitive(RuntimeException e) {
        return is(e) || (e instanceof SecretsException s && s.code().httpStatus() == 400);
    }

    static ErrorCode codeOf(RuntimeException e) {
        return e instanceof SecretsException s ? s.code() : ErrorCode.STORE_UNAVAILABLE;
    }
}
