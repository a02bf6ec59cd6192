package dev.coffer.spi.watch;

import dev.coffer.spi.audit.AuditEventType;
import java.util.Locale;
import java.util.Optional;

/**
 * What changed. Each kind is the allowed audit event of the same meaning, so the stream is a view
 * of the durable audit log and replays from it.
 */
public enum ChangeKind {
    /** A secret was created (its first version, if any, follows as {@link #VERSION_ADDED}). */
    SECRET_CREATED(AuditEventType.SECRET_CREATE),
    /** A secret's description or labels changed. */
    SECRET_UPDATED(AuditEventType.SECRET_UPDATE),
    /** A version was added; {@link SecretChange#version()} is its number. */
    VERSION_ADDED(AuditEventType.VERSION_ADD),
    /** An alias now points at {@link SecretChange#version()}; {@link SecretChange#alias()} names it. */
    ALIAS_MOVED(AuditEventType.ALIAS_MOVE),
    /** An alias was removed ({@code next} or a named one); {@link SecretChange#alias()} names it. */
    ALIAS_REMOVED(AuditEventType.ALIAS_MOVE),
    /** A version can no longer be read (a revocation). */
    VERSION_DISABLED(AuditEventType.VERSION_DISABLE),
    /** A disabled version can be read again. */
    VERSION_ENABLED(AuditEventType.VERSION_ENABLE),
    /** A version's material is gone for good. */
    VERSION_DESTROYED(AuditEventType.VERSION_DESTROY),
    /** The secret is scheduled for deletion and can no longer be read (a revocation). */
    DELETION_SCHEDULED(AuditEventType.SECRET_DELETE_SCHEDULED),
    /** A secret scheduled for deletion was restored. */
    RESTORED(AuditEventType.SECRET_RESTORE),
    /** The secret and all its versions are gone (after its recovery window, or forced). */
    PURGED(AuditEventType.SECRET_PURGE),
    /**
     * A policy of the subscriber's tenant was put or deleted, or a break-glass grant was given: what
     * any caller may read can have changed. Carries no path; a consumer checks again everything it
     * serves (and stops serving what it may no longer read).
     */
    ACCESS_CHANGED(AuditEventType.POLICY_PUT);

    private final AuditEventType source;

    ChangeKind(AuditEventType source) {
        this.source = source;
    }

    /** The audit event type this kind is read from (for {@link #ACCESS_CHANGED}, one of several). */
    public AuditEventType source() {
        return source;
    }

    /** The name used on the wire: lower case with hyphens, e.g. {@code version-added}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The kind of {@code wireName}, if it is one. */
    public static Optional<ChangeKind> fromWireName(String wireName) {
        for (ChangeKind kind : values()) {
            if (kind.wireName().equals(wireName)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    /** Whether this kind means a consumer must stop serving what it cached until it checks again. */
    public boolean revokes() {
        return this == VERSION_DISABLED || this == VERSION_DESTROYED || this == DELETION_SCHEDULED
                || this == PURGED || this == ACCESS_CHANGED;
    }
}
