package dev.coffer.config;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.SecretsException;

/**
 * Thrown by {@link CofferConfigSource} when it will not serve a property: the secret was revoked
 * (version disabled or destroyed, secret deleted, access revoked), its cached value outlived
 * {@code coffer.cache.max-stale} while the server was unreachable, or a required secret could not
 * be fetched at startup. The message names the property, the secret's path and the code; never a
 * value.
 */
public final class CofferConfigException extends SecretsException {
    private static final long serialVersionUID = 1L;

    public CofferConfigException(ErrorCode code, String message) {
        super(code, message);
    }
}
