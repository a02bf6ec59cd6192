package dev.coffer.jdbi.internal;

import dev.coffer.spi.audit.AuditEvent;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * How a store's transaction writes its audit events into the chain: what {@link Database#write}
 * needs of the audit log of the same database, and no more. The log implements it with its chain
 * key ({@link AuditRows#append}) and counts what committed towards its next checkpoint.
 */
public interface ChainAppender {
    /**
     * Appends {@code drafts}, fresh events of one change, on {@code transaction} (the change's
     * own, which locks the head until it ends).
     *
     * @throws IllegalArgumentException if an id of {@code drafts} is already in the chain
     */
    List<AuditEvent> appendInTransaction(Handle transaction, List<AuditEvent> drafts);

    /** {@code events}, as {@link #appendInTransaction} returned them, have committed. */
    void committed(List<AuditEvent> events);
}
