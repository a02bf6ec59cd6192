package dev.coffer.spi.store;

import dev.coffer.spi.audit.AuditEvent;
import java.util.Collection;
import java.util.List;

/** {@link AuditOutbox#none()}: events go into the audit log with the change, never wait. */
enum NoOutbox implements AuditOutbox {
    INSTANCE;

    @Override
    public List<AuditEvent> pending(int max) {
        return List.of();
    }

    @Override
    public void acknowledge(Collection<String> eventIds) {
        // Nothing is ever held.
    }

    @Override
    public boolean holdsEvents() {
        return false;
    }

    @Override
    public String toString() {
        return "AuditOutbox.none()";
    }
}
