package dev.coffer.spi.error;

import java.util.Objects;

/**
 * Root of every error Coffer raises. Unchecked, with a stable {@link ErrorCode}.
 *
 * <p>Messages name paths, versions, aliases and policies; they never contain a secret value, a
 * token or key material. Code that builds a message from user input must keep to that rule.
 */
public class SecretsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public SecretsException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public SecretsException(ErrorCode code, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The stable code, e.g. {@link ErrorCode#VERSION_CONFLICT}. */
    public ErrorCode code() {
        return code;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + code + "]: " + getMessage();
    }
}
