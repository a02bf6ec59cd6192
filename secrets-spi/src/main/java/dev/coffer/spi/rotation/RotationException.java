package dev.coffer.spi.rotation;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.SecretsException;
import java.util.regex.Pattern;

/**
 * A rotator step could not do its work. Carries a stable {@link #reason()} code that the engine
 * records on the run and in the audit event ({@code LOGIN_REFUSED}, {@code DOWNSTREAM_UNAVAILABLE},
 * ...) and whether the downstream refused the value itself, in which case the next attempt starts
 * over with a fresh value. The message names what failed, never a value.
 *
 * <pre>{@code
 * throw new RotationException("LOGIN_REFUSED", false, "role app_user cannot log in with the pending password");
 * }</pre>
 */
public class RotationException extends SecretsException {
    private static final long serialVersionUID = 1L;
    private static final Pattern REASON = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

    private final String reason;
    private final boolean valueRejected;

    /**
     * @param reason stable code, {@code [A-Z][A-Z0-9_]{0,63}}
     * @param valueRejected whether the downstream refused this value (the next attempt makes a new one)
     * @param message what failed, naming no value
     */
    public RotationException(String reason, boolean valueRejected, String message) {
        this(reason, valueRejected, message, null);
    }

    public RotationException(String reason, boolean valueRejected, String message, Throwable cause) {
        super(ErrorCode.ROTATION_STEP_FAILED, message, cause);
        if (reason == null || !REASON.matcher(reason).matches()) {
            throw new IllegalArgumentException("reason must match [A-Z][A-Z0-9_]{0,63}");
        }
        this.reason = reason;
        this.valueRejected = valueRejected;
    }

    /** The stable reason code. */
    public String reason() {
        return reason;
    }

    /** Whether the downstream refused the value itself. */
    public boolean valueRejected() {
        return valueRejected;
    }
}
