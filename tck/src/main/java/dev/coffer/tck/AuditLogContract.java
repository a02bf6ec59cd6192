package dev.coffer.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.audit.AuditChain;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.audit.AuditVerification;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.tck.support.Concurrently;
import dev.coffer.tck.support.Concurrently.Outcome;
import dev.coffer.tck.support.NoValueLeaks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract every {@link AuditLog} must meet. Extend it in your test sources, return a fresh,
 * empty log from {@link #newAuditLog()} and, if your storage can be tampered with from a test,
 * return an {@link AuditTampering} from {@link #tampering(AuditLog)} so that the tamper-detection
 * tests run (they are skipped otherwise):
 *
 * <pre>{@code
 * class JdbiAuditLogTest extends AuditLogContract {
 *     protected AuditLog newAuditLog() { return new JdbiAuditLog(H2.freshDatabase()); }
 *
 *     protected Optional<AuditTampering> tampering(AuditLog log) {
 *         return Optional.of(new SqlTampering((JdbiAuditLog) log)); // UPDATE / DELETE on audit_events
 *     }
 * }
 * }</pre>
 *
 * <p>Proves that {@code seq} runs from 1 without gap (also under 16 concurrent appenders), that
 * every event is chained to its predecessor with a keyed {@link AuditChain} (an unkeyed
 * recomputation does not verify), that queries filter, page and keep {@code seq} order within
 * one tenant, and that {@link AuditLog#verify} accepts an intact chain, reports the tenant's own
 * figures, and finds an altered or removed event, an event rewritten with its successors by
 * someone without the key, and the newest events removed with the head moved back behind a
 * {@link AuditLog#checkpoint() checkpoint}. {@code seq} is the position in the whole log, across tenants.
 */
@ExtendWith(NoValueLeaks.class)
public abstract class AuditLogContract {
    private static final String TENANT = "tck-acme";
    private static final String OTHER_TENANT = "tck-other";
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private AuditLog log;

    /** A fresh log holding no event, called once per test. */
    protected abstract AuditLog newAuditLog();

    /**
     * A way to change the storage behind {@code log} without going through {@link AuditLog}, as an
     * attacker with database access would. Empty (the default) skips the tamper-detection tests.
     */
    protected Optional<AuditTampering> tampering(AuditLog log) {
        return Optional.empty();
    }

    /** Changes a log's storage behind its back, for the tamper-detection tests. */
    public interface AuditTampering {
        /** Overwrites the stored event at {@code seq} with {@code forged}, hashes included, as stored. */
        void replace(long seq, AuditEvent forged);

        /** Deletes the stored event at {@code seq}. */
        void remove(long seq);

        /**
         * Deletes the stored events from {@code fromSeq} on and moves whatever head the storage
         * keeps back to the event before, so that the storage is consistent without them.
         */
        void truncate(long fromSeq);
    }

    /** Appends are idempotent by event id. */
    @Nested
    class Idempotence extends AuditLogIdempotenceTests {
        @Override
        AuditLog log() {
            return log;
        }
    }

    @BeforeEach
    final void openLog() {
        log = Objects.requireNonNull(newAuditLog(), "newAuditLog() returned null");
    }

    @AfterEach
    final void closeLog() throws Exception {
        if (log instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    @Test
    void appendAssignsSequenceFromOneWithoutGaps() {
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            seqs.add(log.append(draft(TENANT, i).build()).seq());
        }

        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seqs);
    }

    @Test
    void appendChainsEveryEventToItsPredecessor() {
        List<AuditEvent> events = appendMany(TENANT, 6);

        assertEquals(AuditChain.GENESIS, events.get(0).prevHash());
        for (int i = 0; i < events.size(); i++) {
            AuditEvent event = events.get(i);
            assertFalse(event.isDraft());
            assertEquals(64, event.hash().length(), "hash of event " + event.seq());
            assertFalse(AuditChain.unkeyed().isIntact(event, event.prevHash()), "the chain must be keyed, not plain SHA-256");
            if (i > 0) {
                assertEquals(events.get(i - 1).hash(), event.prevHash(), "prevHash of event " + event.seq());
            }
        }
    }

    @Test
    void appendedEventCarriesTheDraftContent() {
        AuditEvent draft = AuditEvent.builder(AuditEventType.BREAK_GLASS_READ, TENANT, "user:tck-alice", "req-42",
                        Decision.ALLOW, T0.plusNanos(123_456_000))
                .secret("prod", "payments/stripe-api-key").version(3).action("secrets:read-break-glass")
                .detail("grant=bg_tck")
                .sourceIp("10.1.2.3").reason("incident 7").ticket("https://tickets.example/INC-7").build();

        AuditEvent appended = log.append(draft);

        assertEquals(positioned(draft, 1, AuditChain.GENESIS, appended.hash()), appended);
        assertEquals(List.of(appended), log.query(AuditQuery.tenant(TENANT), PageRequest.first()).items());
    }

    @Test
    void draftWithoutOptionalFieldsIsKeptAsIs() {
        AuditEvent draft = AuditEvent.builder(AuditEventType.POLICY_PUT, TENANT, "user:tck-admin", "req-1",
                Decision.ERROR, T0).build();

        AuditEvent appended = log.append(draft);

        assertEquals(positioned(draft, 1, AuditChain.GENESIS, appended.hash()), appended);
        AuditEvent queried = log.query(AuditQuery.tenant(TENANT), PageRequest.first()).items().get(0);
        assertNull(queried.environment());
        assertNull(queried.version());
        assertEquals(appended, queried);
    }

    @Test
    void sequenceAndChainSpanTenants() {
        AuditEvent first = log.append(draft(TENANT, 0).build());
        AuditEvent second = log.append(draft(OTHER_TENANT, 1).build());
        AuditEvent third = log.append(draft(TENANT, 2).build());

        assertEquals(List.of(1L, 2L, 3L), List.of(first.seq(), second.seq(), third.seq()));
        assertEquals(first.hash(), second.prevHash());
        assertEquals(second.hash(), third.prevHash());
    }

    @Test
    void queryReturnsEventsInSeqOrderNotTimeOrder() {
        for (int i = 0; i < 6; i++) {
            log.append(draft(TENANT, 100 - i).build());
        }

        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), seqs(query(AuditQuery.tenant(TENANT))));
    }

    @Test
    void queryIsScopedToTheTenant() {
        log.append(draft(TENANT, 0).build());
        log.append(draft(OTHER_TENANT, 1).build());
        log.append(draft(TENANT, 2).build());

        assertEquals(List.of(1L, 3L), seqs(query(AuditQuery.tenant(TENANT))));
        assertEquals(List.of(2L), seqs(query(AuditQuery.tenant(OTHER_TENANT))));
        assertTrue(query(AuditQuery.tenant("tck-nobody")).isEmpty());
    }

    @Test
    void queryFiltersBySecret() {
        log.append(draft(TENANT, 0).secret("prod", "payments/key").build());
        log.append(draft(TENANT, 1).secret("prod", "payments/key2").build());
        log.append(draft(TENANT, 2).secret("dev", "payments/key").build());
        log.append(draft(TENANT, 3).build());
        log.append(draft(TENANT, 4).secret("prod", "payments/key").build());
        log.append(draft(OTHER_TENANT, 5).secret("prod", "payments/key").build());

        assertEquals(List.of(1L, 5L), seqs(query(AuditQuery.tenant(TENANT).withSecret("prod", "payments/key"))));
        assertEquals(List.of(1L, 2L, 5L), seqs(query(AuditQuery.tenant(TENANT).withSecret("prod", null))));
    }

    @Test
    void queryFiltersByPrincipal() {
        log.append(draft(TENANT, 0).build());
        log.append(AuditEvent.builder(AuditEventType.SECRET_READ, TENANT, "service:prod:payments-api", "r", Decision.ALLOW,
                T0).build());
        log.append(draft(TENANT, 2).build());

        assertEquals(List.of(2L), seqs(query(AuditQuery.tenant(TENANT).withPrincipal("service:prod:payments-api"))));
        assertEquals(List.of(1L, 3L), seqs(query(AuditQuery.tenant(TENANT).withPrincipal("user:tck-alice"))));
    }

    @Test
    void queryFiltersByEventTypeAndDecision() {
        log.append(event(AuditEventType.SECRET_READ, Decision.ALLOW));
        log.append(event(AuditEventType.ACCESS_DENIED, Decision.DENY));
        log.append(event(AuditEventType.SECRET_READ, Decision.ERROR));
        log.append(event(AuditEventType.ALIAS_MOVE, Decision.ALLOW));

        assertEquals(List.of(1L, 3L), seqs(query(AuditQuery.tenant(TENANT).withEventType(AuditEventType.SECRET_READ))));
        assertEquals(List.of(2L), seqs(query(AuditQuery.tenant(TENANT).withDecision(Decision.DENY))));
        assertEquals(List.of(1L, 4L), seqs(query(AuditQuery.tenant(TENANT).withDecision(Decision.ALLOW))));
        assertEquals(List.of(1L), seqs(query(AuditQuery.tenant(TENANT).withEventType(AuditEventType.SECRET_READ)
                .withDecision(Decision.ALLOW))));
    }

    @Test
    void queryTimeWindowIncludesSinceAndExcludesUntil() {
        for (int i = 0; i < 5; i++) {
            log.append(draft(TENANT, i).build());
        }

        AuditQuery window = AuditQuery.tenant(TENANT).withSince(at(1)).withUntil(at(3));
        assertEquals(List.of(2L, 3L), seqs(query(window)));
        assertEquals(List.of(4L, 5L), seqs(query(AuditQuery.tenant(TENANT).withSince(at(3)))));
        assertEquals(List.of(1L), seqs(query(AuditQuery.tenant(TENANT).withUntil(at(1)))));
    }

    @Test
    void queryPagesThroughEveryEventOnceInOrder() {
        appendMany(TENANT, 23);
        appendMany(OTHER_TENANT, 4);

        List<Long> seen = new ArrayList<>();
        PageRequest request = PageRequest.first(5);
        for (int pages = 1; ; pages++) {
            Page<AuditEvent> page = log.query(AuditQuery.tenant(TENANT), request);
            assertTrue(page.items().size() <= 5, "a page holds at most the requested number of items");
            seen.addAll(seqs(page.items()));
            assertTrue(pages <= 10, "pagination must end");
            if (page.nextPageToken() == null) {
                break;
            }
            request = request.next(page.nextPageToken());
        }

        assertEquals(LongStream.rangeClosed(1, 23).boxed().toList(), seen);
    }

    @Test
    void verifyOfEmptyLogIsIntact() {
        AuditVerification verification = log.verify(TENANT);

        assertTrue(verification.intact());
        assertEquals(0, verification.eventsChecked());
        log.checkpoint();
        assertTrue(log.verify(TENANT).intact(), "a checkpoint of the empty log verifies");
    }

    @Test
    void verifyOfUntouchedLogIsIntactAndReportsTheTenantsOwnFigures() {
        appendMany(TENANT, 7);
        appendMany(OTHER_TENANT, 3);
        log.checkpoint();

        AuditVerification verification = log.verify(TENANT);

        assertTrue(verification.intact(), () -> "problem: " + verification.problem());
        assertEquals(TENANT, verification.tenant());
        assertEquals(7, verification.eventsChecked());
        assertEquals(1, verification.firstSeq());
        assertEquals(7, verification.lastSeq());
        assertEquals(1, verification.checkpointsChecked());
        assertEquals(0, verification.firstBrokenSeq());
        assertNull(verification.problem());
        AuditVerification other = log.verify(OTHER_TENANT);
        assertTrue(other.intact());
        assertEquals(List.of(3L, 8L, 10L), List.of(other.eventsChecked(), other.firstSeq(), other.lastSeq()));
    }

    @Test
    void concurrentAppendersGetUniqueGapFreeSeqsAndAnIntactChain() {
        List<Outcome<List<AuditEvent>>> outcomes = Concurrently.run(16, thread -> {
            List<AuditEvent> mine = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                mine.add(log.append(AuditEvent.builder(AuditEventType.SECRET_READ, thread % 2 == 0 ? TENANT : OTHER_TENANT,
                        "user:tck-alice", "req-" + thread + "-" + i, Decision.ALLOW, at(i)).build()));
            }
            return mine;
        });

        List<Long> seqs = new ArrayList<>();
        for (Outcome<List<AuditEvent>> outcome : outcomes) {
            if (!outcome.succeeded()) {
                NoValueLeaks.assertNoValueIn(outcome.failure());
                throw new AssertionError("a concurrent append failed: " + outcome.failure(), outcome.failure());
            }
            outcome.value().forEach(e -> seqs.add(e.seq()));
        }
        assertEquals(320, new HashSet<>(seqs).size(), "seqs must be unique");
        assertEquals(LongStream.rangeClosed(1, 320).boxed().toList(), seqs.stream().sorted().toList());
        AuditVerification verification = log.verify(TENANT);
        assertTrue(verification.intact(), () -> "problem: " + verification.problem());
        assertEquals(160, verification.eventsChecked());
    }

    @Test
    void alteredEventIsFoundByVerify() {
        AuditTampering tampering = tamperingOrSkip();
        AuditEvent original = appendMany(TENANT, 10).get(4);

        tampering.replace(5, withReason(original, "nothing to see here", original.prevHash(), original.hash()));
        AuditVerification verification = log.verify(TENANT);

        assertFalse(verification.intact());
        assertEquals(5, verification.firstBrokenSeq());
        assertNotNull(verification.problem());
    }

    @Test
    void alteredEventWithEveryFollowingHashRecomputedWithoutTheKeyIsFound() {
        AuditTampering tampering = tamperingOrSkip();
        List<AuditEvent> events = appendMany(TENANT, 10);
        log.checkpoint();

        // The attacker recomputes the chain from event 5 on with plain SHA-256 (no key) and keeps
        // the storage consistent: every prevHash links, the head names the new event 10.
        String prev = events.get(3).hash();
        for (AuditEvent original : events.subList(4, 10)) {
            String reason = original.seq() == 5 ? "nothing to see here" : original.reason();
            AuditEvent forged = withReason(original, reason, prev, null).chained(original.seq(), prev, AuditChain.unkeyed());
            tampering.replace(original.seq(), forged);
            prev = forged.hash();
        }
        tampering.truncate(11);
        AuditVerification verification = log.verify(TENANT);

        assertFalse(verification.intact());
        assertEquals(5, verification.firstBrokenSeq(), "the rewritten event itself fails under the key");
        assertNotNull(verification.problem());
    }

    @Test
    void newestEventsRemovedWithTheHeadMovedBackAreFoundBehindACheckpoint() {
        AuditTampering tampering = tamperingOrSkip();
        appendMany(TENANT, 10);
        log.checkpoint();

        tampering.truncate(8);
        AuditVerification verification = log.verify(TENANT);

        assertFalse(verification.intact(), "removing events 8..10 and moving the head back must not verify");
        assertEquals(8, verification.firstBrokenSeq());
        assertNotNull(verification.problem());
    }

    @Test
    void removedEventIsFoundByVerify() {
        AuditTampering tampering = tamperingOrSkip();
        appendMany(TENANT, 10);

        tampering.remove(5);
        AuditVerification verification = log.verify(TENANT);

        assertFalse(verification.intact());
        assertEquals(6, verification.firstBrokenSeq(), "the first event after the gap is the first broken one");
        assertNotNull(verification.problem());
    }

    private AuditTampering tamperingOrSkip() {
        Optional<AuditTampering> tampering = tampering(log);
        Assumptions.assumeTrue(tampering.isPresent(), "this log offers no tampering hook");
        return tampering.get();
    }

    private List<AuditEvent> appendMany(String tenant, int count) {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(log.append(draft(tenant, i).build()));
        }
        return events;
    }

    private List<AuditEvent> query(AuditQuery query) {
        return log.query(query, PageRequest.first(PageRequest.MAX_LIMIT)).items();
    }

    private static AuditEvent.Builder draft(String tenant, int second) {
        return AuditEvent.builder(AuditEventType.SECRET_READ, tenant, "user:tck-alice", "req-" + second, Decision.ALLOW,
                at(second)).action("secrets:read").reason("routine");
    }

    private static AuditEvent event(AuditEventType type, Decision decision) {
        return AuditEvent.builder(type, TENANT, "user:tck-alice", "req", decision, T0).build();
    }

    private static AuditEvent withReason(AuditEvent e, String reason, String prevHash, String hash) {
        return new AuditEvent(e.seq(), e.id(), e.eventType(), e.tenant(), e.environment(), e.path(), e.version(), e.principal(),
                e.action(), e.detail(), e.sourceIp(), e.requestId(), e.decision(), reason, e.ticket(), e.createdAt(), prevHash, hash);
    }

    // The appended form of a draft, with the hash the log computed (its key is the log's own).
    private static AuditEvent positioned(AuditEvent d, long seq, String prevHash, String hash) {
        return new AuditEvent(seq, d.id(), d.eventType(), d.tenant(), d.environment(), d.path(), d.version(), d.principal(),
                d.action(), d.detail(), d.sourceIp(), d.requestId(), d.decision(), d.reason(), d.ticket(), d.createdAt(),
                prevHash, hash);
    }

    private static Instant at(int second) {
        return T0.plusSeconds(second);
    }

    private static List<Long> seqs(List<AuditEvent> events) {
        return events.stream().map(AuditEvent::seq).toList();
    }
}
