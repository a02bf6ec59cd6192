package dev.coffer.spi.audit;

/** What an audit event records. */
public enum AuditEventType {
    SECRET_CREATE,
    SECRET_UPDATE,
    SECRET_DESCRIBE,
    SECRET_LIST,
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
