package dev.coffer.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.audit.AuditVerification;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.tck.support.Concurrently;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link AuditLogContract}: {@link AuditLog#append} is idempotent by {@link AuditEvent#id()}, so an
 * outbox relayed twice (after a crash, a lost reply, two relays at once) chains each event once.
 */
abstract class AuditLogIdempotenceTests {
    static final String TENANT = "tck-acme";
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    /** The log under test; wired to the enclosing contract's. */
    abstract AuditLog log();

    @Test
    void appendingAnIdTheLogHoldsAppendsNothingAndReturnsTheStoredEvent() {
        AuditEvent draft = draft("first");
        AuditEvent first = log().append(draft);
        AuditEvent again = log().append(draft);
        assertEquals(first, again, () -> "rule: AuditLog.append of a draft whose id (" + draft.id() + ") the log holds returns the"
                + " stored event");
        AuditEvent sameIdOtherContent = AuditEvent.builder(AuditEventType.SECRET_PURGE, TENANT, "user:tck-mallory", "tck-req-other",
                Decision.ALLOW, T0.plusSeconds(9)).id(draft.id()).build();
        assertEquals(first, log().append(sameIdOtherContent), () -> "rule: AuditLog.append keeps the first event of an id ("
                + draft.id() + "): a second draft with that id, whatever it says, returns the stored event");
        AuditEvent next = log().append(draft("next"));
        assertEquals(first.seq() + 1, next.seq(), () -> "rule: AuditLog.append of a known id takes no seq: the next event after seq "
                + first.seq() + " gets seq " + (first.seq() + 1));
        assertEquals(List.of(first.id(), next.id()), ids(), "rule: the log holds each id once (AuditLog.query)");
        assertVerifies();
    }

    @Test
    void concurrentAppendsOfOneIdChainItOnce() {
        AuditEvent draft = draft("raced");
        int appenders = 16;
        List<Long> seqs = Concurrently.run(appenders, i -> log().append(draft)).stream()
                .map(outcome -> {
                    if (!outcome.succeeded()) {
                        throw new AssertionError("rule: AuditLog.append of an id another appender is appending must not fail",
                                outcome.failure());
                    }
                    return outcome.value().seq();
                }).toList();
        Set<Long> distinct = Set.copyOf(seqs);
        assertEquals(1, distinct.size(), () -> "rule: " + appenders + " concurrent AuditLog.append calls of one id (" + draft.id()
                + ") all return the one stored event; seqs returned: " + seqs);
        assertEquals(List.of(draft.id()), ids(), () -> "rule: " + appenders + " concurrent appends of one id leave one event");
        AuditEvent next = log().append(draft("after the race"));
        assertEquals(distinct.iterator().next() + 1, next.seq(), "rule: no seq is used up by the appends that found the id");
        assertVerifies();
    }

    @Test
    void interleavedRelaysOfOverlappingBatchesChainEachEventOnce() {
        List<AuditEvent> batch = List.of(draft("a"), draft("b"), draft("c"), draft("d"));
        Concurrently.run(4, i -> {
            // Each relay starts at another place of the same outbox, as relays that began at different times would.
            for (int k = 0; k < batch.size(); k++) {
                log().append(batch.get((k + i) % batch.size()));
            }
            return null;
        });
        Set<String> expected = batch.stream().map(AuditEvent::id).collect(Collectors.toSet());
        List<String> ids = ids();
        assertEquals(batch.size(), ids.size(), () -> "rule: 4 relays appending the same 4 events leave 4 events; found " + ids);
        assertEquals(expected, Set.copyOf(ids), "rule: each relayed event is in the log once");
        assertVerifies();
    }

    private void assertVerifies() {
        AuditVerification verification = log().verify(TENANT);
        assertTrue(verification.intact(), () -> "rule: after appends of ids the log already held, AuditLog.verify still finds the"
                + " chain intact; got " + verification);
    }

    private List<String> ids() {
        return log().query(AuditQuery.tenant(TENANT), PageRequest.first(PageRequest.MAX_LIMIT)).items().stream()
                .map(AuditEvent::id).toList();
    }

    private static AuditEvent draft(String detail) {
        return AuditEvent.builder(AuditEventType.SECRET_READ, TENANT, "user:tck-relay", "tck-req-" + detail.replace(' ', '-'),
                Decision.ALLOW, T0).detail("relay " + detail).build();
    }
}
