package dev.coffer.spi.kernel.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.memory.InMemoryAuditLog;
import dev.coffer.spi.memory.InMemoryAuditOutbox;
import dev.coffer.spi.store.AuditOutbox;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttemptRelayTest {

    @Test
    void relayMovesEveryWaitingEventOnceAcrossBatches() {
        InMemoryAuditOutbox outbox = new InMemoryAuditOutbox();
        List<AuditEvent> drafts = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            drafts.add(draft(i));
        }
        outbox.commit(drafts);
        InMemoryAuditLog log = new InMemoryAuditLog();
        assertEquals(7, Attempt.relayPending(outbox, log, 3), "7 waiting events in batches of 3 are all relayed");
        assertTrue(outbox.pending(AuditOutbox.MAX_BATCH).isEmpty(), "the relayed events are acknowledged");
        assertEquals(0, Attempt.relayPending(outbox, log, 3), "a second relay has nothing to move");
    }

    @Test
    @org.junit.jupiter.api.Timeout(10)
    void anOutboxThatDoesNotForgetWhatItWasToldStopsTheRelayInsteadOfLoopingForEver() {
        InMemoryAuditOutbox real = new InMemoryAuditOutbox();
        real.commit(List.of(draft(1), draft(2)));
        AuditOutbox neverForgets = new AuditOutbox() {
            @Override
            public List<AuditEvent> pending(int max) {
                return real.pending(max);
            }

            @Override
            public void acknowledge(Collection<String> eventIds) {
                // the bug: nothing is removed
            }
        };
        InMemoryAuditLog log = new InMemoryAuditLog();
        IllegalStateException stopped = assertThrows(IllegalStateException.class, () -> Attempt.relayPending(neverForgets, log, 2),
                "a relay over an outbox that keeps acknowledged events must stop, not loop");
        assertTrue(stopped.getMessage().contains("after it was acknowledged"), stopped.getMessage());
    }

    private static AuditEvent draft(int n) {
        return AuditEvent.builder(AuditEventType.SECRET_UPDATE, "t", "user:relay", "r-" + n, Decision.ALLOW, Instant.EPOCH).build();
    }
}
