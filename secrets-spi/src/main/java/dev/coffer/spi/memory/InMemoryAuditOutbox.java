package dev.coffer.spi.memory;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.store.AuditOutbox;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The {@link AuditOutbox} of the in-memory stores: events in commit order, in memory. A store
 * calls {@link #commit} inside its own atomic unit once the hook has returned, so the events of
 * an undone change never arrive here.
 */
public final class InMemoryAuditOutbox implements AuditOutbox {
    private final Map<String, AuditEvent> pending = new LinkedHashMap<>();

    /** An empty outbox. */
    public InMemoryAuditOutbox() {}

    /**
     * Keeps the events of a change that is committing.
     *
     * @throws IllegalArgumentException if one is not a draft, or its id is already waiting
     */
    public synchronized void commit(List<AuditEvent> events) {
        Objects.requireNonNull(events, "a BeforeCommit hook returned null instead of a list of events");
        Set<String> ids = new HashSet<>();
        for (AuditEvent event : events) {
            Objects.requireNonNull(event, "a BeforeCommit hook returned a null event");
            if (!event.isDraft()) {
                throw new IllegalArgumentException("a BeforeCommit hook returned event " + event.seq() + ", which is already chained");
            }
            if (pending.containsKey(event.id()) || !ids.add(event.id())) {
                throw new IllegalArgumentException("audit event " + event.id() + " is already waiting in the outbox");
            }
        }
        events.forEach(e -> pending.put(e.id(), e));
    }

    @Override
    public synchronized List<AuditEvent> pending(int max) {
        if (max < 1 || max > MAX_BATCH) {
            throw new IllegalArgumentException("max must be 1 to " + MAX_BATCH + ", not " + max);
        }
        List<AuditEvent> oldest = new ArrayList<>(Math.min(max, pending.size()));
        for (AuditEvent event : pending.values()) {
            if (oldest.size() == max) {
                break;
            }
            oldest.add(event);
        }
        return List.copyOf(oldest);
    }

    @Override
    public synchronized void acknowledge(Collection<String> eventIds) {
        Objects.requireNonNull(eventIds, "eventIds").forEach(pending::remove);
    }
}
