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
import dev.coffer.tck.support.ContractNames;
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
 *
 * <p>Every failure message begins with {@code [AuditLogContract › testMethod]} ({@link ContractNames}) and
 * then states the rule that broke, the SPI method and the values involved, never a secret value.
 */
@ExtendWith({NoValueLeaks.class, ContractNames.class})
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

    /** What the change stream reads: after, head, awaitAppend. */
    @Nested
    class Tail extends AuditLogTailTests {
        @Override
        AuditLog log() {
            return log;
        }
    }

    /** Query pages the last events exactly fill; verify past one chunk. */
    @Nested
    class Boundaries extends AuditLogBoundaryTests {
        @Override
        AuditLog log() {
            return log;
        }

        @Override
        Optional<AuditTampering> tampering() {
            return AuditLogContract.this.tampering(log);
        }
    }

    /**
     * After how many appends the log records a checkpoint by itself (at the latest when the append
     * that completes them returns), for the test of those checkpoints; empty (the default) skips it.
     */
    protected java.util.OptionalInt checkpointsEvery() {
        return java.util.OptionalInt.empty();
    }

    /** The checkpoints the log takes by itself. */
    @Nested
    class Checkpoints extends AuditLogCheckpointTests {
        @Override
        AuditLog log() {
            return log;
        }

        @Override
        Optional<AuditTampering> tampering() {
            return AuditLogContract.this.tampering(log);
        }

        @Override
        java.util.OptionalInt checkpointsEvery() {
            return AuditLogContract.this.checkpointsEvery();
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

        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seqs,
                "rule: append assigns seq 1, 2, 3, ... without gap; five appends to an empty log (tenant " + TENANT + ")");
    }

    @Test
    void appendChainsEveryEventToItsPredecessor() {
        List<AuditEvent> events = appendMany(TENANT, 6);

        assertEquals(AuditChain.GENESIS, events.get(0).prevHash(),
                "rule: append chains the first event of the log to AuditChain.GENESIS (prevHash of seq 1)");
        for (int i = 0; i < events.size(); i++) {
            AuditEvent event = events.get(i);
            assertFalse(event.isDraft(), () -> "rule: append returns the appended event, not a draft (seq "
                    + event.seq() + ")");
            assertEquals(64, event.hash().length(), () -> "rule: append sets a 64-hex-digit hash (seq " + event.seq() + ")");
            assertFalse(AuditChain.unkeyed().isIntact(event, event.prevHash()), () -> "rule: the chain is keyed, not"
                    + " plain SHA-256; an unkeyed recomputation must not verify the hash append set (seq " + event.seq()
                    + ")");
            if (i > 0) {
                AuditEvent before = events.get(i - 1);
                assertEquals(before.hash(), event.prevHash(), () -> "rule: append chains every event to its predecessor;"
                        + " prevHash of seq " + event.seq() + " is the hash of seq " + before.seq());
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

        assertEquals(positioned(draft, 1, AuditChain.GENESIS, appended.hash()), appended,
                "rule: append keeps every field of the draft (type BREAK_GLASS_READ, tenant, principal, request id,"
                        + " decision, createdAt to the microsecond, environment, path, version, action, detail, source ip,"
                        + " reason, ticket) and adds seq 1, prevHash GENESIS and its hash");
        assertEquals(List.of(appended), log.query(AuditQuery.tenant(TENANT), PageRequest.first()).items(),
                "rule: query returns the appended event exactly as append returned it (tenant " + TENANT + ", seq 1)");
    }

    @Test
    void draftWithoutOptionalFieldsIsKeptAsIs() {
        AuditEvent draft = AuditEvent.builder(AuditEventType.POLICY_PUT, TENANT, "user:tck-admin", "req-1",
                Decision.ERROR, T0).build();

        AuditEvent appended = log.append(draft);

        assertEquals(positioned(draft, 1, AuditChain.GENESIS, appended.hash()), appended,
                "rule: append keeps a draft without optional fields as it is (type POLICY_PUT, decision ERROR, no"
                        + " environment, path, version, action, detail, source ip, reason, ticket)");
        AuditEvent queried = log.query(AuditQuery.tenant(TENANT), PageRequest.first()).items().get(0);
        assertNull(queried.environment(), "rule: query returns an absent environment as null, not empty (seq 1, type"
                + " POLICY_PUT)");
        assertNull(queried.version(), "rule: query returns an absent version as null, not 0 (seq 1, type POLICY_PUT)");
        assertEquals(appended, queried, "rule: query returns the event without optional fields exactly as append"
                + " returned it (seq 1, type POLICY_PUT)");
    }

    @Test
    void sequenceAndChainSpanTenants() {
        AuditEvent first = log.append(draft(TENANT, 0).build());
        AuditEvent second = log.append(draft(OTHER_TENANT, 1).build());
        AuditEvent third = log.append(draft(TENANT, 2).build());

        assertEquals(List.of(1L, 2L, 3L), List.of(first.seq(), second.seq(), third.seq()),
                "rule: seq is the position in the whole log, across tenants; appends to " + TENANT + ", " + OTHER_TENANT
                        + ", " + TENANT + " get seq 1, 2, 3");
        assertEquals(first.hash(), second.prevHash(), "rule: the chain spans tenants; prevHash of seq 2 (" + OTHER_TENANT
                + ") is the hash of seq 1 (" + TENANT + ")");
        assertEquals(second.hash(), third.prevHash(), "rule: the chain spans tenants; prevHash of seq 3 (" + TENANT
                + ") is the hash of seq 2 (" + OTHER_TENANT + ")");
    }

    @Test
    void queryReturnsEventsInSeqOrderNotTimeOrder() {
        for (int i = 0; i < 6; i++) {
            log.append(draft(TENANT, 100 - i).build());
        }

        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), seqs(query(AuditQuery.tenant(TENANT))),
                "rule: query returns events in seq order, not createdAt order; six events appended with falling"
                        + " createdAt (tenant " + TENANT + ")");
    }

    @Test
    void queryIsScopedToTheTenant() {
        log.append(draft(TENANT, 0).build());
        log.append(draft(OTHER_TENANT, 1).build());
        log.append(draft(TENANT, 2).build());

        assertEquals(List.of(1L, 3L), seqs(query(AuditQuery.tenant(TENANT))),
                "rule: query returns only the tenant's events; " + TENANT + " has seq 1 and 3, " + OTHER_TENANT + " seq 2");
        assertEquals(List.of(2L), seqs(query(AuditQuery.tenant(OTHER_TENANT))),
                "rule: query returns only the tenant's events; " + OTHER_TENANT + " has seq 2, " + TENANT + " seq 1 and 3");
        assertTrue(query(AuditQuery.tenant("tck-nobody")).isEmpty(),
                "rule: query of a tenant without events (tck-nobody) is empty");
    }

    @Test
    void queryFiltersBySecret() {
        log.append(draft(TENANT, 0).secret("prod", "payments/key").build());
        log.append(draft(TENANT, 1).secret("prod", "payments/key2").build());
        log.append(draft(TENANT, 2).secret("dev", "payments/key").build());
        log.append(draft(TENANT, 3).build());
        log.append(draft(TENANT, 4).secret("prod", "payments/key").build());
        log.append(draft(OTHER_TENANT, 5).secret("prod", "payments/key").build());

        assertEquals(List.of(1L, 5L), seqs(query(AuditQuery.tenant(TENANT).withSecret("prod", "payments/key"))),
                "rule: query withSecret(prod, payments/key) matches environment and path exactly (not payments/key2,"
                        + " not dev, not " + OTHER_TENANT + "): seq 1 and 5");
        assertEquals(List.of(1L, 2L, 5L), seqs(query(AuditQuery.tenant(TENANT).withSecret("prod", null))),
                "rule: query withSecret(prod, null) matches every path in environment prod of the tenant: seq 1, 2, 5");
    }

    @Test
    void queryFiltersByPrincipal() {
        log.append(draft(TENANT, 0).build());
        log.append(AuditEvent.builder(AuditEventType.SECRET_READ, TENANT, "service:prod:payments-api", "r", Decision.ALLOW,
                T0).build());
        log.append(draft(TENANT, 2).build());

        assertEquals(List.of(2L), seqs(query(AuditQuery.tenant(TENANT).withPrincipal("service:prod:payments-api"))),
                "rule: query withPrincipal(service:prod:payments-api) returns only that principal's events: seq 2");
        assertEquals(List.of(1L, 3L), seqs(query(AuditQuery.tenant(TENANT).withPrincipal("user:tck-alice"))),
                "rule: query withPrincipal(user:tck-alice) returns only that principal's events: seq 1 and 3");
    }

    @Test
    void queryFiltersByEventTypeAndDecision() {
        log.append(event(AuditEventType.SECRET_READ, Decision.ALLOW));
        log.append(event(AuditEventType.ACCESS_DENIED, Decision.DENY));
        log.append(event(AuditEventType.SECRET_READ, Decision.ERROR));
        log.append(event(AuditEventType.ALIAS_MOVE, Decision.ALLOW));

        assertEquals(List.of(1L, 3L), seqs(query(AuditQuery.tenant(TENANT).withEventType(AuditEventType.SECRET_READ))),
                "rule: query withEventType(SECRET_READ) returns only SECRET_READ events, any decision: seq 1 and 3");
        assertEquals(List.of(2L), seqs(query(AuditQuery.tenant(TENANT).withDecision(Decision.DENY))),
                "rule: query withDecision(DENY) returns only DENY events: seq 2 (ACCESS_DENIED)");
        assertEquals(List.of(1L, 4L), seqs(query(AuditQuery.tenant(TENANT).withDecision(Decision.ALLOW))),
                "rule: query withDecision(ALLOW) returns only ALLOW events, any type: seq 1 (SECRET_READ) and 4"
                        + " (ALIAS_MOVE)");
        assertEquals(List.of(1L), seqs(query(AuditQuery.tenant(TENANT).withEventType(AuditEventType.SECRET_READ)
                .withDecision(Decision.ALLOW))),
                "rule: query filters combine with AND; withEventType(SECRET_READ) and withDecision(ALLOW): seq 1");
    }

    @Test
    void queryTimeWindowIncludesSinceAndExcludesUntil() {
        for (int i = 0; i < 5; i++) {
            log.append(draft(TENANT, i).build());
        }

        AuditQuery window = AuditQuery.tenant(TENANT).withSince(at(1)).withUntil(at(3));
        assertEquals(List.of(2L, 3L), seqs(query(window)), () -> "rule: query's time window includes since and excludes"
                + " until; since " + at(1) + ", until " + at(3) + " over events at seconds 0..4: seq 2 and 3");
        assertEquals(List.of(4L, 5L), seqs(query(AuditQuery.tenant(TENANT).withSince(at(3)))),
                () -> "rule: query withSince includes an event at since; since " + at(3) + ": seq 4 and 5");
        assertEquals(List.of(1L), seqs(query(AuditQuery.tenant(TENANT).withUntil(at(1)))),
                () -> "rule: query withUntil excludes an event at until; until " + at(1) + ": seq 1 only");
    }

    @Test
    void queryPagesThroughEveryEventOnceInOrder() {
        appendMany(TENANT, 23);
        appendMany(OTHER_TENANT, 4);

        List<Long> seen = new ArrayList<>();
        PageRequest request = PageRequest.first(5);
        for (int pages = 1; ; pages++) {
            Page<AuditEvent> page = log.query(AuditQuery.tenant(TENANT), request);
            int size = page.items().size();
            int number = pages;
            assertTrue(size <= 5, () -> "rule: a query page holds at most the requested limit; limit 5, page " + number
                    + " held " + size + " events");
            seen.addAll(seqs(page.items()));
            assertTrue(pages <= 10, () -> "rule: query pagination ends (nextPageToken null); 23 events in pages of 5,"
                    + " still a token after page " + number + ", seqs so far " + seen);
            if (page.nextPageToken() == null) {
                break;
            }
            request = request.next(page.nextPageToken());
        }

        assertEquals(LongStream.rangeClosed(1, 23).boxed().toList(), seen,
                "rule: query pages of 5 through " + TENANT + "'s 23 events return each once, in seq order, none of "
                        + OTHER_TENANT + "'s 4 (seq 24..27)");
    }

    @Test
    void verifyOfEmptyLogIsIntact() {
        AuditVerification verification = log.verify(TENANT);

        assertTrue(verification.intact(), () -> "rule: verify of an empty log is intact (tenant " + TENANT
                + "); problem: " + verification.problem());
        assertEquals(0, verification.eventsChecked(), "rule: verify of an empty log checks 0 events (tenant " + TENANT
                + ")");
        log.checkpoint();
        AuditVerification afterCheckpoint = log.verify(TENANT);
        assertTrue(afterCheckpoint.intact(), () -> "rule: verify after a checkpoint of the empty log is intact (tenant "
                + TENANT + "); problem: " + afterCheckpoint.problem());
    }

    @Test
    void verifyOfUntouchedLogIsIntactAndReportsTheTenantsOwnFigures() {
        appendMany(TENANT, 7);
        appendMany(OTHER_TENANT, 3);
        log.checkpoint();

        AuditVerification verification = log.verify(TENANT);

        String untouched = "7 events of " + TENANT + " (seq 1..7), 3 of " + OTHER_TENANT + " (seq 8..10), one checkpoint";
        assertTrue(verification.intact(), () -> "rule: verify of an untouched log is intact; " + untouched + "; problem: "
                + verification.problem());
        assertEquals(TENANT, verification.tenant(), () -> "rule: verify(" + TENANT + ") reports the tenant it was asked"
                + " for; " + untouched);
        assertEquals(7, verification.eventsChecked(), () -> "rule: verify(" + TENANT + ") counts only the tenant's"
                + " events in eventsChecked; " + untouched);
        assertEquals(1, verification.firstSeq(), () -> "rule: verify(" + TENANT + ") reports the seq of the tenant's"
                + " first event as firstSeq; " + untouched);
        assertEquals(7, verification.lastSeq(), () -> "rule: verify(" + TENANT + ") reports the seq of the tenant's"
                + " last event as lastSeq; " + untouched);
        assertEquals(1, verification.checkpointsChecked(), () -> "rule: verify checks every checkpoint;"
                + " checkpointsChecked is 1; " + untouched);
        assertEquals(0, verification.firstBrokenSeq(), () -> "rule: an intact verify reports firstBrokenSeq 0; "
                + untouched);
        assertNull(verification.problem(), () -> "rule: an intact verify reports no problem; " + untouched);
        AuditVerification other = log.verify(OTHER_TENANT);
        assertTrue(other.intact(), () -> "rule: verify of an untouched log is intact; verify(" + OTHER_TENANT + "), "
                + untouched + "; problem: " + other.problem());
        assertEquals(List.of(3L, 8L, 10L), List.of(other.eventsChecked(), other.firstSeq(), other.lastSeq()),
                () -> "rule: verify(" + OTHER_TENANT + ") reports the tenant's own figures as [eventsChecked, firstSeq,"
                        + " lastSeq]; " + untouched);
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
                throw new AssertionError("rule: 16 concurrent appenders (20 appends each, tenants " + TENANT + " and "
                        + OTHER_TENANT + ") all succeed; one failed: " + outcome.failure(), outcome.failure());
            }
            outcome.value().forEach(e -> seqs.add(e.seq()));
        }
        assertEquals(320, new HashSet<>(seqs).size(), "rule: append gives every event its own seq; 16 concurrent"
                + " appenders x 20 appends got fewer than 320 distinct seqs");
        assertEquals(LongStream.rangeClosed(1, 320).boxed().toList(), seqs.stream().sorted().toList(),
                "rule: append assigns seq without gap under concurrency; 16 appenders x 20 appends get seq 1..320");
        AuditVerification verification = log.verify(TENANT);
        assertTrue(verification.intact(), () -> "rule: the chain stays intact under 16 concurrent appenders; verify("
                + TENANT + ") problem: " + verification.problem() + " at seq " + verification.firstBrokenSeq());
        assertEquals(160, verification.eventsChecked(), "rule: verify(" + TENANT + ") after 16 concurrent appenders"
                + " counts the tenant's 160 events (8 appenders x 20)");
    }

    @Test
    void alteredEventIsFoundByVerify() {
        AuditTampering tampering = tamperingOrSkip();
        AuditEvent original = appendMany(TENANT, 10).get(4);

        tampering.replace(5, withReason(original, "nothing to see here", original.prevHash(), original.hash()));
        AuditVerification verification = log.verify(TENANT);

        assertFalse(verification.intact(), "rule: verify finds an altered event; seq 5's reason was overwritten in"
                + " storage, hashes kept (tenant " + TENANT + ", 10 events)");
        assertEquals(5, verification.firstBrokenSeq(), "rule: verify names the altered event as firstBrokenSeq; seq 5"
                + " was altered (tenant " + TENANT + ")");
        assertNotNull(verification.problem(), "rule: a broken verify states a problem; seq 5 was altered");
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

        assertFalse(verification.intact(), "rule: verify finds an event rewritten with every following hash recomputed"
                + " without the key (plain SHA-256, seq 5..10, head moved to the forged seq 10), behind a checkpoint");
        assertEquals(5, verification.firstBrokenSeq(), "rule: the rewritten event itself fails under the key;"
                + " firstBrokenSeq is 5, the first rewritten one");
        assertNotNull(verification.problem(), "rule: a broken verify states a problem; seq 5..10 rewritten without"
                + " the key");
    }

    @Test
    void newestEventsRemovedWithTheHeadMovedBackAreFoundBehindACheckpoint() {
        AuditTampering tampering = tamperingOrSkip();
        appendMany(TENANT, 10);
        log.checkpoint();

        tampering.truncate(8);
        AuditVerification verification = log.verify(TENANT);

        assertFalse(verification.intact(), "rule: verify checks the checkpoint; removing events 8..10 and moving the"
                + " head back to seq 7 must not verify (tenant " + TENANT + ", checkpoint at seq 10)");
        assertEquals(8, verification.firstBrokenSeq(), "rule: verify names the first event missing behind the checkpoint"
                + " as firstBrokenSeq; seq 8..10 removed");
        assertNotNull(verification.problem(), "rule: a broken verify states a problem; seq 8..10 removed behind a"
                + " checkpoint");
    }

    @Test
    void removedEventIsFoundByVerify() {
        AuditTampering tampering = tamperingOrSkip();
        appendMany(TENANT, 10);

        tampering.remove(5);
        AuditVerification verification = log.verify(TENANT);

        assertFalse(verification.intact(), "rule: verify finds a removed event; seq 5 of 10 deleted from storage"
                + " (tenant " + TENANT + ")");
        assertEquals(6, verification.firstBrokenSeq(), "rule: verify names the first event after a gap as"
                + " firstBrokenSeq; seq 5 removed, so 6");
        assertNotNull(verification.problem(), "rule: a broken verify states a problem; seq 5 removed");
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
