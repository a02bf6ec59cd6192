package dev.coffer.spi.error;

/**
 * The request conflicts with the current state: a stale compare-and-set, an existing path, a transition the state does not allow.
 */
public class ConflictException extends SecretsException {
    private static final long serialVersionUID = 1L;

    public ConflictException(ErrorCode code, String message) {
        super(code, message);
    }

    public ConflictException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
