package dev.coffer.spi.watch;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.Decision;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One change, as metadata: never a value, a fingerprint or who made it.
 *
 * @param seq the audit event's sequence: the stream's position, to resume after ({@code Last-Event-ID})
 * @param kind what changed
 * @param environment the secret's environment; {@code null} for {@link ChangeKind#ACCESS_CHANGED}
 * @param path the secret's path without environment; {@code null} for {@link ChangeKind#ACCESS_CHANGED}
 * @param version the version concerned, or {@code null}
 * @param alias the alias moved or removed, for {@link ChangeKind#ALIAS_MOVED} and
 *        {@link ChangeKind#ALIAS_REMOVED}; otherwise {@code null}
 * @param at when the change was made
 */
public record SecretChange(long seq, ChangeKind kind, String environment, String path, Integer version, String alias,
        Instant at) {

    // The ALIAS_MOVE event's detail has a fixed form: "alias=current from=1 to=2 [next=cleared]" or "alias=next from=3 removed".
    private static final Pattern ALIAS = Pattern.compile("(?:^| )alias=([^ ]+)");
    private static final Pattern TO = Pattern.compile("(?:^| )to=([0-9]{1,10})(?: |$)");

    public SecretChange {
        if (seq < 1) {
            throw new IllegalArgumentException("a change's seq starts at 1");
        }
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(at, "at");
        if ((kind == ChangeKind.ACCESS_CHANGED) != (path == null)) {
            throw new IllegalArgumentException(kind == ChangeKind.ACCESS_CHANGED
                    ? "an access change carries no path" : "a secret's change names its path");
        }
        if ((environment == null) != (path == null)) {
            throw new IllegalArgumentException("environment and path come together");
        }
        boolean aliasKind = kind == ChangeKind.ALIAS_MOVED || kind == ChangeKind.ALIAS_REMOVED;
        if (aliasKind != (alias != null)) {
            throw new IllegalArgumentException(aliasKind ? kind + " names its alias" : kind + " names no alias");
        }
    }

    /** The secret's path with environment, e.g. {@code prod/payments/db}; {@code null} for an access change. */
    public String qualifiedPath() {
        return path == null ? null : environment + "/" + path;
    }

    /**
     * The change an audit event records, if it records one: only allowed events of a change's type
     * count (a denied or failed attempt changed nothing).
     */
    public static Optional<SecretChange> of(AuditEvent event) {
        if (event.decision() != Decision.ALLOW || event.seq() < 1) {
            return Optional.empty();
        }
        AuditEventType type = event.eventType();
        switch (type) {
            case POLICY_PUT, POLICY_DELETE, BREAK_GLASS_GRANT -> {
                return Optional.of(new SecretChange(event.seq(), ChangeKind.ACCESS_CHANGED, null, null, null, null,
                        event.createdAt()));
            }
            case ALIAS_MOVE -> {
                String alias = token(ALIAS, event.detail());
                if (alias == null || event.path() == null) {
                    return Optional.empty();
                }
                boolean removed = event.detail().endsWith(" removed");
                String to = token(TO, event.detail());
                Integer version = removed ? null : to != null ? Integer.valueOf(to) : event.version();
                return Optional.of(new SecretChange(event.seq(), removed ? ChangeKind.ALIAS_REMOVED : ChangeKind.ALIAS_MOVED,
                        event.environment(), event.path(), version, alias, event.createdAt()));
            }
            case SECRET_FORCE_DELETE -> {
                return secretChange(event, ChangeKind.PURGED);
            }
            default -> {
                for (ChangeKind kind : ChangeKind.values()) {
                    if (kind.source() == type && kind != ChangeKind.ALIAS_REMOVED && kind != ChangeKind.ACCESS_CHANGED) {
                        return secretChange(event, kind);
                    }
                }
                return Optional.empty();
            }
        }
    }

    private static Optional<SecretChange> secretChange(AuditEvent event, ChangeKind kind) {
        if (event.path() == null || event.environment() == null) {
            return Optional.empty();
        }
        return Optional.of(new SecretChange(event.seq(), kind, event.environment(), event.path(), event.version(), null,
                event.createdAt()));
    }

    private static String token(Pattern pattern, String detail) {
        if (detail == null) {
            return null;
        }
        Matcher m = pattern.matcher(detail);
        return m.find() ? m.group(1) : null;
    }
}
