package dev.coffer.spi.error;

/**
 * Stored ciphertext or key material failed authentication: it was altered, moved to another identity, or sealed under a key that is no longer enabled.
 */
public class IntegrityException extends SecretsException {
    private static final long serialVersionUID = 1L;

    public IntegrityException(ErrorCode code, String message) {
        super(code, message);
    }

    public IntegrityException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
