package dev.coffer.server.api.dto;

import dev.coffer.server.internal.Instants;
import dev.coffer.spi.audit.AuditEvent;

/**
 * An audit event (never a value or a token).
 *
 * @param seq position in the log
 * @param id the event's own id, kept by the log (an event relayed twice is chained once); absent
 *        only in events chained before events had ids
 * @param eventType e.g. SECRET_READ
 * @param tenant tenant
 * @param environment environment, or absent
 * @param path path, or absent
 * @param version version, or absent
 * @param principal caller
 * @param action the action checked, or absent
 * @param detail fixed-form detail, or absent
 * @param sourceIp caller address, or absent
 * @param requestId request id
 * @param decision ALLOW, DENY or ERROR
 * @param reason reason or error code, or absent
 * @param ticket ticket, or absent
 * @param createdAt when
 * @param prevHash previous event's hash
 * @param hash this event's hash
 */
public record AuditEventBody(long seq, String id, String eventType, String tenant, String environment, String path, Integer version,
        String principal, String action, String detail, String sourceIp, String requestId, String decision, String reason,
        String ticket, String createdAt, String prevHash, String hash) {

    /** The body of {@code e}. */
    public static AuditEventBody from(AuditEvent e) {
        return new AuditEventBody(e.seq(), e.id(), e.eventType().name(), e.tenant(), e.environment(), e.path(), e.version(),
                e.principal(), e.action(), e.detail(), e.sourceIp(), e.requestId(), e.decision().name(), e.reason(),
                e.ticket(), Instants.format(e.createdAt()), e.prevHash(), e.hash());
    }
}
