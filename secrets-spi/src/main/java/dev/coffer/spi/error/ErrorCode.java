package dev.coffer.spi.error;

/**
 * Stable error codes. The REST API puts them in problem documents, the CLI prints them and
 * clients match on them, so a code never changes meaning once shipped.
 *
 * <p>{@link #httpStatus()} is the status the reference server answers with; it lives here so
 * that every transport maps a code the same way.
 */
public enum ErrorCode {
    /** The request is malformed: a bad argument, a bad field, an unknown option. */
    INVALID_ARGUMENT(400),
    /** A path, environment or segment breaks the naming rules. */
    INVALID_PATH(400),
    /** A policy document breaks the policy rules. */
    INVALID_POLICY(400),
    /**
     * A rotation policy breaks the rotation rules: an unknown rotator, a schedule that is neither a
     * period nor a cron expression, a window, overlap or canary out of bounds, or params the rotator
     * refuses. Raised when the policy is set, never later by the engine.
     */
    INVALID_ROTATION_POLICY(400),
    /** A value is larger than {@link dev.coffer.spi.model.SecretValue#MAX_BYTES}. */
    VALUE_TOO_LARGE(413),
    /** The caller is not authenticated. Raised by transports, never by the kernel. */
    UNAUTHENTICATED(401),
    /** Policy denies the action, or the caller acts outside its tenant. */
    ACCESS_DENIED(403),
    /**
     * The operator marked the secret's environment protected, and the operation (a force delete)
     * is refused there whatever the policies allow. A 403 rather than a 409: no change the caller
     * can make to the secret lifts it, only the operator's configuration does. Audited as a denial.
     */
    ENVIRONMENT_PROTECTED(403),
    /** No secret with that id or path. */
    SECRET_NOT_FOUND(404),
    /** The secret exists but is scheduled for deletion; it cannot be read or changed. */
    SECRET_PENDING_DELETION(404),
    /** No version with that number. */
    VERSION_NOT_FOUND(404),
    /** No alias with that name. */
    ALIAS_NOT_FOUND(404),
    /** No policy with that name. */
    POLICY_NOT_FOUND(404),
    /** The secret has no rotation policy. */
    ROTATION_NOT_CONFIGURED(404),
    /**
     * The tenant has no key yet, so there is nothing to replace. Tenant keys are created on the
     * first seal; a rotation asked before that finds none.
     */
    TENANT_KEY_NOT_FOUND(404),
    /** A secret already exists at that path (possibly pending deletion). */
    SECRET_EXISTS(409),
    /** A compare-and-set found another version than the caller expected. */
    VERSION_CONFLICT(409),
    /** The version is the target of alias {@code current}; promote another version first. */
    VERSION_IS_CURRENT(409),
    /** A state transition was asked from a state that does not allow it. */
    STATE_CONFLICT(409),
    /** The secret is not scheduled for deletion, so it cannot be restored. */
    SECRET_NOT_PENDING_DELETION(409),
    /** The recovery window has not passed yet, so the secret cannot be purged. */
    RECOVERY_WINDOW_OPEN(409),
    /** The secret already has an open rotation run; at most one runs per secret. */
    ROTATION_IN_PROGRESS(409),
    /** There is no open rotation run to cancel, or the open run is past the point of cancelling (promoted). */
    ROTATION_NOT_RUNNING(409),
    /** The secret's rotator is {@code manual-overlap} or its policy is disabled: the engine does not run it. */
    ROTATION_NOT_AUTOMATIC(409),
    /** There is no enabled {@code previous} version to roll back to. */
    ROLLBACK_UNAVAILABLE(409),
    /** The version is disabled: it refuses reads until enabled again. */
    VERSION_DISABLED(410),
    /** The version is destroyed: its value and key material are gone for good. */
    VERSION_DESTROYED(410),
    /** Stored ciphertext or key material does not open: tampered, moved or under a retired key. */
    INTEGRITY_FAILURE(500),
    /**
     * A rotator's step failed against the system it rotates (the database refused the login, the
     * webhook answered 500). Recorded on the run with the rotator's own reason code; the engine retries.
     */
    ROTATION_STEP_FAILED(502),
    /** The caller already holds the most change streams ({@code GET /v1/watch}) one caller may open. */
    TOO_MANY_WATCHES(429),
    /** The server holds the most change streams it serves; retry later (Retry-After says when). */
    WATCH_CAPACITY_REACHED(503),
    /** The store cannot be reached or failed mid-operation. */
    STORE_UNAVAILABLE(503),
    /** The audit log cannot be written; the operation was refused. */
    AUDIT_UNAVAILABLE(503),
    /** Key material (root KEK, KMS) cannot be reached. */
    KEY_UNAVAILABLE(503);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** The HTTP status the reference server answers with for this code. */
    public int httpStatus() {
        return httpStatus;
    }
}
