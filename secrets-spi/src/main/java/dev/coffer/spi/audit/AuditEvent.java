package dev.coffer.spi.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * One audited attempt. Never carries a value or a token.
 *
 * <p>The kernel builds drafts ({@code seq} 0, no hashes); {@link AuditLog#append} assigns
 * {@code seq}, {@code prevHash} and {@code hash} (see {@link AuditChain}).
 *
 * @param seq position in the log, from 1; 0 in a draft
 * @param id the event's own identity, assigned when the draft is built and kept by the log: an
 *        {@link AuditLog#append} of a draft whose id the log already holds appends nothing, so an
 *        event relayed twice (from a store's {@link dev.coffer.spi.store.AuditOutbox}, after a
 *        crash) is chained once. {@code null} only in events chained before ids existed.
 * @param eventType what happened
 * @param tenant the tenant acted in
 * @param environment the secret's environment, or {@code null}
 * @param path the secret's path (without environment), or {@code null}
 * @param version the version concerned, or {@code null}
 * @param principal the caller's principal id
 * @param action the policy action checked, e.g. {@code secrets:read}, or {@code null}
 * @param detail what exactly was done, in a fixed form per event type (e.g. {@code alias=current from=1 to=2},
 *        {@code policy=payments-read}, {@code resources=prod/payments/*}); never a value; {@code null} when nothing to add
 * @param sourceIp the caller's address, or {@code null}
 * @param requestId the request id
 * @param decision allow, deny or error
 * @param reason caller's reason on success; the refusal or error explanation otherwise
 * @param ticket the ticket given with the request, or {@code null}
 * @param createdAt when it happened (microsecond precision)
 * @param prevHash the previous event's hash; {@code null} in a draft
 * @param hash this event's hash; {@code null} in a draft
 */
public record AuditEvent(
        long seq,
        String id,
        AuditEventType eventType,
        String tenant,
        String environment,
        String path,
        Integer version,
        String principal,
        String action,
        String detail,
        String sourceIp,
        String requestId,
        Decision decision,
        String reason,
        String ticket,
        Instant createdAt,
        String prevHash,
        String hash) {

    /** The longest event id accepted. */
    public static final int MAX_ID_LENGTH = 64;

    public AuditEvent {
        if (id == null ? hash == null : !validId(id)) {
            throw new IllegalArgumentException("an audit event id is 1 to " + MAX_ID_LENGTH
                    + " characters of A-Z, a-z, 0-9, '-' and '_' (only events chained before ids existed have none)");
        }
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(decision, "decision");
        // Durable logs keep microseconds and the hash covers the instant: normalise once, here.
        createdAt = Objects.requireNonNull(createdAt, "createdAt").truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    private static boolean validId(String id) {
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /**
     * A fresh event id: 22 characters of {@code -0-9A-Z_a-z} that sort, as strings in code-point
     * order, in the order ids were made (to the millisecond), then 84 random bits. Ids made before
     * were 128 random bits in URL-safe base64, also 22 characters; both are valid ids.
     */
    public static String newId() {
        return EventIds.next();
    }

    /** Whether this is a draft that has not been appended yet. */
    public boolean isDraft() {
        return hash == null;
    }

    /** {@code <environment>/<path>}, or {@code null} when the event concerns no single secret. */
    public String qualifiedPath() {
        return environment == null || path == null ? null : environment + "/" + path;
    }

    /** A copy positioned in {@code chain}: the appended form of this draft. */
    public AuditEvent chained(long newSeq, String previousHash, AuditChain chain) {
        AuditEvent positioned = new AuditEvent(newSeq, id, eventType, tenant, environment, path, version, principal, action, detail,
                sourceIp, requestId, decision, reason, ticket, createdAt, previousHash, null);
        return new AuditEvent(newSeq, id, eventType, tenant, environment, path, version, principal, action, detail,
                sourceIp, requestId, decision, reason, ticket, createdAt, previousHash, chain.hash(positioned));
    }

    /** Starts a draft. */
    public static Builder builder(AuditEventType type, String tenant, String principal, String requestId, Decision decision, Instant at) {
        return new Builder(type, tenant, principal, requestId, decision, at);
    }

    /** Builder for drafts. */
    public static final class Builder {
        private final AuditEventType type;
        private final String tenant;
        private final String principal;
        private final String requestId;
        private final Decision decision;
        private final Instant at;
        private String environment;
        private String path;
        private Integer version;
        private String action;
        private String detail;
        private String sourceIp;
        private String reason;
        private String ticket;
        private String id = newId();

        private Builder(AuditEventType type, String tenant, String principal, String requestId, Decision decision, Instant at) {
            this.type = type;
            this.tenant = tenant;
            this.principal = principal;
            this.requestId = requestId;
            this.decision = decision;
            this.at = at;
        }

        public Builder secret(String env, String secretPath) {
            this.environment = env;
            this.path = secretPath;
            return this;
        }

        public Builder version(Integer number) {
            this.version = number;
            return this;
        }

        public Builder action(String name) {
            this.action = name;
            return this;
        }

        public Builder detail(String text) {
            this.detail = text;
            return this;
        }

        public Builder sourceIp(String ip) {
            this.sourceIp = ip;
            return this;
        }

        public Builder reason(String text) {
            this.reason = text;
            return this;
        }

        public Builder ticket(String text) {
            this.ticket = text;
            return this;
        }

        /** Sets the event id (by default a fresh {@link #newId()}). */
        public Builder id(String eventId) {
            this.id = eventId;
            return this;
        }

        public AuditEvent build() {
            return new AuditEvent(0, id, type, tenant, environment, path, version, principal, action, detail, sourceIp, requestId,
                    decision, reason, ticket, at, null, null);
        }
    }
}
