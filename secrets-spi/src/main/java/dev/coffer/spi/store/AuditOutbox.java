package dev.coffer.spi.store;

import dev.coffer.spi.audit.AuditEvent;
import java.util.Collection;
import java.util.List;

/**
 * SPI: audit events a store committed with its changes that have not yet reached the
 * {@link dev.coffer.spi.audit.AuditLog}. It lets a store without SQL transactions keep the rule
 * that a change and its audit events commit together: the store writes the events of
 * {@link BeforeCommit#prepare} into its outbox in the same atomic write as the change, and the
 * kernel relays them.
 *
 * <p>The kernel relays after every change it makes and whenever
 * {@link dev.coffer.spi.kernel.StandardSecretManager#relayAuditOutbox()} is called (the server
 * does so when it starts and periodically): it reads {@link #pending}, appends each event to the
 * log (which ignores an id it already holds), then {@link #acknowledge}s them. A crash between
 * append and acknowledge, a lost reply, or two relays at once therefore never lose or duplicate an
 * event. While the log cannot be written the events wait here, and the change they describe
 * stands: it was committed with its events.
 *
 * <p>Contract (proved by the TCK's {@code SecretStoreContract} and {@code PolicyStoreContract}):
 * <ul>
 *   <li>{@link #pending} holds exactly the events of committed changes: none of a change that was
 *       undone (a hook that threw, a write that failed), none of a retried try that did not commit,
 *       each committed event once;</li>
 *   <li>events come out in the order they were committed (one change's events in the order
 *       {@link BeforeCommit#prepare} returned them) and unchanged (every field equal);</li>
 *   <li>{@link #acknowledge} removes exactly the given ids; unknown ids are ignored; an
 *       acknowledged event never comes back;</li>
 *   <li>the outbox is durable like the changes themselves, and shared by every instance working
 *       on the same storage.</li>
 * </ul>
 * A store whose events go straight into the audit log inside its own transaction returns
 * {@link #none()}.
 */
public interface AuditOutbox {
    /** The most events {@link #pending} may be asked for at once. */
    int MAX_BATCH = 1000;

    /**
     * Committed events not yet acknowledged, oldest first.
     *
     * @param max how many at most, 1 to {@link #MAX_BATCH}
     * @throws IllegalArgumentException if {@code max} is outside 1 to {@link #MAX_BATCH}
     * @throws dev.coffer.spi.error.UnavailableException {@code STORE_UNAVAILABLE} when the store cannot be read
     */
    List<AuditEvent> pending(int max);

    /**
     * Removes events that reached the audit log.
     *
     * @param eventIds ids of {@link #pending} events; unknown ones are ignored
     * @throws dev.coffer.spi.error.UnavailableException {@code STORE_UNAVAILABLE} when the store cannot be written
     */
    void acknowledge(Collection<String> eventIds);

    /** Whether events ever wait here; {@code false} only for {@link #none()}. */
    default boolean holdsEvents() {
        return true;
    }

    /**
     * The outbox of a store that appends its events to the audit log inside its own transaction:
     * always empty.
     */
    static AuditOutbox none() {
        return NoOutbox.INSTANCE;
    }
}
