package dev.coffer.spi.error;

/** The version is disabled and refuses reads until it is enabled again. */
public class VersionDisabledException extends SecretsException {
    private static final long serialVersionUID = 1L;

    public VersionDisabledException(String message) {
        super(ErrorCode.VERSION_DISABLED, message);
    }
}
