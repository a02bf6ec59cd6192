package dev.coffer.spi.store;

import dev.coffer.spi.audit.AuditEvent;
import java.util.List;

/**
 * Work a store runs inside the atomic unit of a change, after the change is applied and before
 * it becomes visible: it returns the change's audit events, which the store commits in the same
 * atomic unit as the change, so a change and its audit events exist together or not at all.
 *
 * <p>Where the events go is the store's choice, stated by its {@link AuditOutbox}:
 * <ul>
 *   <li>a store with transactions shared with the audit log (one SQL database for both) appends
 *       them to the log inside its transaction, and its outbox is {@link AuditOutbox#none()};</li>
 *   <li>any other store (a key-value store with an atomic multi-key write, a document store with
 *       transactional writes) writes them to its own outbox in the same atomic write as the
 *       change; the kernel then relays them to the log, idempotently by {@link AuditEvent#id()}.</li>
 * </ul>
 *
 * <p>If {@link #prepare} throws, the store undoes the change and rethrows the exception
 * unchanged. A store that retries its atomic unit (an optimistic transaction that lost a race)
 * may call {@code prepare} again for each try; only the events of the try that commits may be
 * kept.
 *
 * @param <T> what the change produced
 */
@FunctionalInterface
public interface BeforeCommit<T> {
    /**
     * Runs inside the store's atomic unit with the change's result, as the call will return it.
     *
     * @return the drafts ({@link AuditEvent#isDraft()}) to commit with the change, in order; may be empty
     */
    List<AuditEvent> prepare(T result);

    /** A hook that does nothing and has no events. */
    static <T> BeforeCommit<T> none() {
        return result -> List.of();
    }
}
