package dev.coffer.spi.audit;

/** The outcome an audit event records. */
public enum Decision {
    /** Authorized and done. */
    ALLOW,
    /** Refused by policy (or tenant boundary). */
    DENY,
    /** Authorized but failed: not found, conflict, disabled version, store or key failure. */
    ERROR
}
