package dev.coffer.spi.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.audit.AuditChain;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.audit.AuditVerification;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InMemoryAuditLogTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private final InMemoryAuditLog log = new InMemoryAuditLog();

    @BeforeEach
    void appendFive() {
        for (int i = 1; i <= 5; i++) {
            log.append(draft("req-" + i));
        }
    }

    @Test
    void appendsChainGapFreeFromGenesis() {
        var events = log.query(AuditQuery.tenant("acme"), PageRequest.first()).items();
        assertEquals(5, events.size());
        String prev = AuditChain.GENESIS;
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i + 1, events.get(i).seq());
            assertEquals(prev, events.get(i).prevHash());
            prev = events.get(i).hash();
        }
        assertEquals(AuditVerification.ok("acme", 5, 1, 5, 0), log.verify("acme"));
        assertEquals(AuditVerification.ok("other", 0, 0, 0, 0), log.verify("other"), "another tenant's figures are its own");
    }

    @Test
    void appendRejectsAnEventThatIsAlreadyChained() {
        AuditEvent chained = log.query(AuditQuery.tenant("acme"), PageRequest.first(1)).items().get(0);
        assertThrows(IllegalArgumentException.class, () -> log.append(chained));
    }

    @Test
    void verifyNamesAnEventWhoseContentWasAltered() throws Exception {
        AuditEvent original = event(3);
        log.tamperReplace(3, withReason(original, "nothing to see here"));
        AuditVerification v = log.verify("acme");
        assertFalse(v.intact());
        assertEquals(3, v.firstBrokenSeq());
    }

    @Test
    void verifyFindsAReplacementWhoseHashWasRecomputed() {
        AuditEvent original = event(3);
        log.tamperReplace(3, draft("forged").chained(3, original.prevHash(), AuditChain.unkeyed()));
        AuditVerification v = log.verify("acme");
        assertFalse(v.intact());
        // Recomputed without the key, the forgery itself fails (an unkeyed chain would only break at event 4).
        assertEquals(3, v.firstBrokenSeq());
    }

    @Test
    void verifyFindsAnEventAndItsSuccessorsRewrittenWithoutTheKey() {
        String prev = event(2).hash();
        for (long seq = 3; seq <= 5; seq++) {
            AuditEvent forged = draft(seq == 3 ? "forged" : "req-" + seq).chained(seq, prev, AuditChain.unkeyed());
            log.tamperReplace(seq, forged);
            prev = forged.hash();
        }
        log.tamperTruncate(6); // nothing past 5: only the head moves to the forged event 5
        AuditVerification v = log.verify("acme");
        assertFalse(v.intact());
        assertEquals(3, v.firstBrokenSeq());
    }

    @Test
    void verifyFindsTruncationBehindACheckpointEvenWithTheHeadMovedBack() {
        log.checkpoint();
        log.tamperTruncate(4);

        AuditVerification v = log.verify("acme");
        assertFalse(v.intact());
        assertEquals(4, v.firstBrokenSeq());
        assertTrue(v.problem().contains("truncated"), v.problem());
    }

    @Test
    void truncationAfterTheNewestCheckpointIsTheResidualLossWindow() {
        log.checkpoint();
        log.append(draft("req-6"));
        log.tamperTruncate(6);

        assertTrue(log.verify("acme").intact(), "events after the newest checkpoint can be removed unnoticed");
    }

    @Test
    void verifyNamesTheFirstEventAfterARemovedOne() {
        log.tamperRemove(3);
        AuditVerification v = log.verify("acme");
        assertFalse(v.intact());
        assertEquals(4, v.firstBrokenSeq());
        assertTrue(v.problem().contains("event 3 is missing"), v.problem());
    }

    @Test
    void verifyFindsTheNewestEventRemovedOrReplaced() {
        log.tamperRemove(5);
        assertEquals(5, log.verify("acme").firstBrokenSeq());

        InMemoryAuditLog other = new InMemoryAuditLog();
        AuditEvent first = other.append(draft("req-1"));
        other.tamperReplace(1, draft("forged").chained(1, first.prevHash(), AuditChain.unkeyed()));
        assertEquals(1, other.verify("acme").firstBrokenSeq());
    }

    @Test
    void queryPagesInSeqOrderAndRejectsForeignTokens() {
        List<Long> seqs = new ArrayList<>();
        PageRequest request = PageRequest.first(2);
        int pages = 0;
        while (true) {
            Page<AuditEvent> page = log.query(AuditQuery.tenant("acme"), request);
            page.items().forEach(e -> seqs.add(e.seq()));
            pages++;
            if (page.nextPageToken() == null) {
                break;
            }
            request = request.next(page.nextPageToken());
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seqs);
        assertEquals(3, pages);

        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> log.query(AuditQuery.tenant("acme"), PageRequest.first(2).next("not-a-token")));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    }

    private AuditEvent event(long seq) {
        return log.query(AuditQuery.tenant("acme"), PageRequest.first()).items().stream()
                .filter(e -> e.seq() == seq).findFirst().orElseThrow();
    }

    private static AuditEvent draft(String requestId) {
        return AuditEvent.builder(AuditEventType.SECRET_READ, "acme", "user:alice", requestId, Decision.ALLOW, T0)
                .secret("prod", "payments/stripe").version(1).reason("deploy").build();
    }

    // An attacker editing a stored row in place: same seq and hashes, different content. Goes
    // through the record's components so it survives fields being added to AuditEvent.
    private static AuditEvent withReason(AuditEvent e, String reason) throws Exception {
        RecordComponent[] components = AuditEvent.class.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            args[i] = components[i].getName().equals("reason") ? reason : components[i].getAccessor().invoke(e);
        }
        Constructor<AuditEvent> canonical = AuditEvent.class.getDeclaredConstructor(types);
        return canonical.newInstance(args);
    }
}
