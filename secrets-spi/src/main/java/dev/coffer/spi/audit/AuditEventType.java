package dev.coffer.spi.audit;

/** What an audit event records. */
public enum AuditEventType {
    SECRET_CREATE,
    SECRET_UPDATE,
    SECRET_DESCRIBE,
    SECRET_LIST,
    /** A change stream was opened ({@link dev.coffer.spi.SecretManager#watch}); once per subscription, not per change. */
    SECRET_WATCH,
    VERSION_ADD,
    SECRET_READ,
    ALIAS_MOVE,
    VERSION_DISABLE,
    VERSION_ENABLE,
    VERSION_DESTROY,
    SECRET_DELETE_SCHEDULED,
    SECRET_RESTORE,
    SECRET_PURGE,
    /** A secret deleted at once, without a recovery window ({@code forceDelete}), for test data. */
    SECRET_FORCE_DELETE,
    POLICY_PUT,
    POLICY_DELETE,
    /** A rotation policy set or replaced on a secret. */
    ROTATION_POLICY_PUT,
    /** A secret's rotation policy removed. */
    ROTATION_POLICY_DELETE,
    /** A rotation run opened, by the schedule or on request ({@link AuditEvent#detail()} says which). */
    ROTATION_START,
    /** One step of a rotation run done: {@code create}, {@code apply}, {@code test}, {@code promote}, {@code finish}, {@code retire}. */
    ROTATION_STEP,
    /** A rotation run finished: the new version is current. */
    ROTATION_SUCCEED,
    /** A rotation attempt failed (decision ERROR, reason = the rotator's code); the run is retried or ends FAILED. */
    ROTATION_FAIL,
    /** A rotation run given up because someone else moved {@code current} meanwhile. */
    ROTATION_ABANDON,
    /** A rotation run cancelled on request (or a test-only run discarded). */
    ROTATION_CANCEL,
    /** {@code current} moved back to {@code previous} after a rotation. */
    ROTATION_ROLLBACK,
    POLICY_READ,
    BREAK_GLASS_GRANT,
    BREAK_GLASS_READ,
    AUDIT_QUERY,
    AUDIT_VERIFY,
    /**
     * A metrics scrape ({@link dev.coffer.spi.SecretManager#authorizeMetrics}). Only its failures
     * are recorded under this type (decision ERROR); a refusal is {@link #ACCESS_DENIED} and an
     * allowed scrape leaves no event.
     */
    METRICS_READ,
    /** An attempt that policy refused; {@link AuditEvent#action()} names what was attempted. */
    ACCESS_DENIED
}
