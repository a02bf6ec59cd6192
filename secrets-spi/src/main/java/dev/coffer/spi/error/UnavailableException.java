package dev.coffer.spi.error;

/**
 * A dependency (store, audit log, key service) cannot serve the request. Nothing was changed and no value was returned; the call may be retried.
 */
public class UnavailableException extends SecretsException {
    private static final long serialVersionUID = 1L;

    public UnavailableException(ErrorCode code, String message) {
        super(code, message);
    }

    public UnavailableException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
