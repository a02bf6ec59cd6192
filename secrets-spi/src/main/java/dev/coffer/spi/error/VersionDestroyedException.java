package dev.coffer.spi.error;

/** The version is destroyed: its value and key material are gone and it can never be read. */
public class VersionDestroyedException extends SecretsException {
    private static final long serialVersionUID = 1L;

    public VersionDestroyedException(String message) {
        super(ErrorCode.VERSION_DESTROYED, message);
    }
}
