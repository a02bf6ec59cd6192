package dev.coffer.spi.error;

/**
 * A secret, version, alias or policy does not exist (or is pending deletion).
 */
public class NotFoundException extends SecretsException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(ErrorCode code, String message) {
        super(code, message);
    }

    public NotFoundException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
