package dev.coffer.spi.error;

/**
 * Policy denies the action. The kernel has audited the denial before this is thrown.
 */
public class AccessDeniedException extends SecretsException {
    private static final long serialVersionUID = 1L;

    public AccessDeniedException(ErrorCode code, String message) {
        super(code, message);
    }

    public AccessDeniedException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
