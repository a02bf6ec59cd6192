package dev.coffer.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.coffer.spi.access.BreakGlassGrant;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.memory.InMemoryPolicyStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Break-glass grants are counted from the events the store commits with them: once per grant,
 * whether the events then wait in an outbox (relayed, perhaps twice, later) or went into the
 * log's chain in the store's transaction (and so never through {@link MeteredAuditLog}).
 */
class MeteredPolicyStoreTest {
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MICROS);
    private static final Map<String, String> GRANTS = Map.of("kind", "grant", "environment", "none");

    @Test
    void aCommittedGrantIsCountedOnceAndARefusedOneNot() {
        try (Metrics metrics = new Metrics()) {
            InMemoryPolicyStore inMemory = new InMemoryPolicyStore();
            MeteredPolicyStore store = new MeteredPolicyStore(inMemory, metrics);
            MeteredAuditLog log = new MeteredAuditLog(new dev.coffer.spi.memory.InMemoryAuditLog(), metrics);
            assertSame(inMemory.auditOutbox(), store.auditOutbox(), "the outbox is the store's own");

            store.addGrant(grant("bg_1"), g -> List.of(event(g)));
            assertEquals(1.0, grants(metrics), "a committed grant counts once");
            // The kernel's relay appends the grant's event from the outbox: not counted again.
            AuditEvent waiting = inMemory.auditOutbox().pending(10).get(0);
            log.append(waiting);
            log.append(waiting);
            assertEquals(1.0, grants(metrics), "relaying the event, even twice, does not count the grant again");

            assertThrows(IllegalStateException.class, () -> store.addGrant(grant("bg_2"), g -> {
                throw new IllegalStateException("refused by the test");
            }));
            assertEquals(1.0, grants(metrics), "a grant whose hook threw was undone and is not counted");
        }
    }

    private static double grants(Metrics metrics) {
        return Scrape.parse(metrics.prometheusText()).value("coffer_break_glass_total", GRANTS);
    }

    private static BreakGlassGrant grant(String id) {
        return new BreakGlassGrant(id, "default", "user:oncall", List.of("prod/db/*"), "incident", "https://t/1", NOW,
                NOW.plusSeconds(600));
    }

    private static AuditEvent event(BreakGlassGrant g) {
        return AuditEvent.builder(AuditEventType.BREAK_GLASS_GRANT, g.tenant(), g.principalId(), "req-" + g.id(), Decision.ALLOW, NOW)
                .detail("grant=" + g.id()).reason(g.reason()).ticket(g.ticketUrl()).build();
    }
}
