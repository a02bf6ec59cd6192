package dev.coffer.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.audit.AuditVerification;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.tck.AuditLogContract.AuditTampering;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@link AuditLogContract}: where a log's work is cut into pieces. A query page the last events
 * exactly fill ends the listing (no next token), and {@link AuditLog#verify} walks a log longer
 * than the chunk a store may read it in ({@value #LONG_LOG} events: past 1000, a natural chunk
 * size) to its end, and still finds an event altered past that first chunk.
 */
abstract class AuditLogBoundaryTests {
    static final String TENANT = "tck-acme";
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    /** More events than one chunk of 1000, and a few more, so that a second, partly filled chunk is read. */
    static final int LONG_LOG = 1_010;

    /** The log under test; wired to the enclosing contract's. */
    abstract AuditLog log();

    /** The enclosing contract's tampering hook for {@link #log()}. */
    abstract Optional<AuditTampering> tampering();

    @Test
    void aQueryPageTheLastEventsExactlyFillHasNoNextToken() {
        append(3);
        Page<AuditEvent> all = log().query(AuditQuery.tenant(TENANT), PageRequest.first(3));
        assertEquals(List.of(1L, 2L, 3L), seqs(all), () -> "rule: AuditLog.query with limit 3 over 3 events of tenant "
                + TENANT + " returns seq 1..3");
        assertNull(all.nextPageToken(), () -> "rule: AuditLog.query returns no next token when the page holds the last"
                + " event; 3 events, limit 3 (tenant " + TENANT + ")");

        append(3);
        Page<AuditEvent> first = log().query(AuditQuery.tenant(TENANT), PageRequest.first(3));
        assertEquals(List.of(1L, 2L, 3L), seqs(first), () -> "rule: AuditLog.query first page of 3 over 6 events returns"
                + " seq 1..3 (tenant " + TENANT + ")");
        assertNotNull(first.nextPageToken(), () -> "rule: AuditLog.query returns a next token while events are left;"
                + " 6 events, first page of 3 (tenant " + TENANT + ")");
        Page<AuditEvent> second = log().query(AuditQuery.tenant(TENANT), PageRequest.first(3).next(first.nextPageToken()));
        assertEquals(List.of(4L, 5L, 6L), seqs(second), () -> "rule: AuditLog.query second page of 3 over 6 events"
                + " returns seq 4..6 (tenant " + TENANT + ")");
        assertNull(second.nextPageToken(), () -> "rule: AuditLog.query returns no next token when the page holds the"
                + " last event; 6 events, second page of 3 (tenant " + TENANT + ")");
    }

    @Test
    void verifyWalksALogLongerThanOneChunkToItsEnd() {
        append(LONG_LOG);

        AuditVerification verification = log().verify(TENANT);

        assertTrue(verification.intact(), () -> "rule: AuditLog.verify of an untouched log of " + LONG_LOG
                + " events (tenant " + TENANT + ") is intact; problem: " + verification.problem() + " at seq "
                + verification.firstBrokenSeq());
        assertEquals(List.of((long) LONG_LOG, 1L, (long) LONG_LOG),
                List.of(verification.eventsChecked(), verification.firstSeq(), verification.lastSeq()),
                () -> "rule: AuditLog.verify checks every event of a log of " + LONG_LOG + " events, past the first"
                        + " 1000, as [eventsChecked, firstSeq, lastSeq] (tenant " + TENANT + ")");
    }

    @Test
    void verifyFindsAnEventAlteredPastTheFirstChunk() {
        Optional<AuditTampering> hook = tampering();
        Assumptions.assumeTrue(hook.isPresent(), "this log offers no tampering hook");
        List<AuditEvent> events = append(LONG_LOG);
        long altered = LONG_LOG - 5;
        AuditEvent original = events.get((int) altered - 1);

        hook.get().replace(altered, new AuditEvent(original.seq(), original.id(), original.eventType(), original.tenant(),
                original.environment(), original.path(), original.version(), original.principal(), original.action(),
                original.detail(), original.sourceIp(), original.requestId(), original.decision(), "nothing to see here",
                original.ticket(), original.createdAt(), original.prevHash(), original.hash()));
        AuditVerification verification = log().verify(TENANT);

        assertFalse(verification.intact(), () -> "rule: AuditLog.verify finds an event altered past the first 1000;"
                + " seq " + altered + " of " + LONG_LOG + " had its reason overwritten in storage, hashes kept (tenant "
                + TENANT + ")");
        assertEquals(altered, verification.firstBrokenSeq(), () -> "rule: AuditLog.verify names the altered event as"
                + " firstBrokenSeq; seq " + altered + " of " + LONG_LOG + " was altered (tenant " + TENANT + ")");
    }

    private List<AuditEvent> append(int count) {
        List<AuditEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(log().append(AuditEvent.builder(AuditEventType.SECRET_READ, TENANT, "user:tck-alice", "tck-req-" + i,
                    Decision.ALLOW, T0.plusSeconds(i)).action("secrets:read").build()));
        }
        return events;
    }

    private static List<Long> seqs(Page<AuditEvent> page) {
        return page.items().stream().map(AuditEvent::seq).toList();
    }
}
