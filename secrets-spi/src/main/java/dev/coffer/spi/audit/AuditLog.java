package dev.coffer.spi.audit;

import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;

/**
 * SPI: the append-only, hash-chained record of every attempt.
 *
 * <p>Contract (proved by the TCK's {@code AuditLogContract}):
 * <ul>
 *   <li>{@link #append} makes the event durable before it returns, assigns the next
 *       {@code seq} (gap-free, from 1, one sequence and one chain across all tenants) and chains it with {@link AuditChain}; when it cannot, it
 *       throws {@link dev.coffer.spi.error.UnavailableException} with
 *       {@link dev.coffer.spi.error.ErrorCode#AUDIT_UNAVAILABLE} and the caller's operation fails;</li>
 *   <li>when called inside a store's atomic unit (a
 *       {@link dev.coffer.spi.store.BeforeCommit} hook), implementations sharing the store's
 *       transaction commit or roll back with it;</li>
 *   <li>{@link #query} returns events in {@code seq} order;</li>
 *   <li>{@link #verify} walks the chain and names the first event that fails: an altered one, or the first after a gap.</li>
 * </ul>
 */
public interface AuditLog {
    /**
     * Appends a draft and returns it chained.
     *
     * @param draft an event with {@link AuditEvent#isDraft()} true
     * @return the stored event with seq, prevHash and hash
     */
    AuditEvent append(AuditEvent draft);

    /** Events matching {@code query}, oldest first. */
    Page<AuditEvent> query(AuditQuery query, PageRequest page);

    /** Verifies the whole chain. */
    AuditVerification verify();
}
