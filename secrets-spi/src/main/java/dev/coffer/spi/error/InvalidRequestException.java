package dev.coffer.spi.error;

/**
 * The request is malformed: invalid path, argument, policy or an oversize value. Nothing was changed.
 */
public class InvalidRequestException extends SecretsException {
    private static final long serialVersionUID = 1L;

    public InvalidRequestException(ErrorCode code, String message) {
        super(code, message);
    }

    public InvalidRequestException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
