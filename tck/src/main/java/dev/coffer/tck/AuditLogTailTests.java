package dev.coffer.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.audit.Decision;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@link AuditLogContract}: what the change stream reads. {@link AuditLog#after} returns every
 * tenant's events after a seq in seq order, at most the limit; {@link AuditLog#head} is the newest
 * seq; {@link AuditLog#awaitAppend} wakes when an event after the seq is appended (by another thread
 * of this process) and otherwise waits out its timeout. Skipped while the log under test has no
 * tail yet (its methods throw {@link UnsupportedOperationException}).
 */
abstract class AuditLogTailTests {
    static final String TENANT = "tck-acme";
    static final String OTHER_TENANT = "tck-other";
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    /** The log under test; wired to the enclosing contract's. */
    abstract AuditLog log();

    @Test
    void anEmptyLogHasHeadZeroAndNothingAfterIt() {
        assertEquals(0, tail(() -> log().head()), "rule: AuditLog.head of an empty log is 0");
        assertEquals(List.of(), log().after(0, AuditLog.MAX_AFTER), "rule: AuditLog.after(0) of an empty log returns nothing");
    }

    @Test
    void afterReturnsEveryTenantsEventsAfterTheSeqInOrder() {
        List<AuditEvent> appended = appendMany(7);
        assertEquals(7, tail(() -> log().head()), "rule: AuditLog.head is the seq of the newest event (7 appended)");
        assertEquals(appended, log().after(0, AuditLog.MAX_AFTER),
                "rule: AuditLog.after(0) returns every event of every tenant, oldest first, as append returned them");
        assertEquals(appended.subList(3, 7), log().after(3, AuditLog.MAX_AFTER),
                "rule: AuditLog.after(3) returns the events with seq 4 to 7");
        assertEquals(List.of(), log().after(7, AuditLog.MAX_AFTER), "rule: AuditLog.after(head) returns nothing");
        assertEquals(List.of(), log().after(100, AuditLog.MAX_AFTER), "rule: AuditLog.after a seq past the head returns nothing");
    }

    @Test
    void afterReturnsAtMostTheLimitAndPagesThroughWithoutGaps() {
        List<AuditEvent> appended = appendMany(10);
        assertEquals(appended.subList(0, 3), tail(() -> log().after(0, 3)), "rule: AuditLog.after(0, 3) returns seq 1 to 3");
        List<AuditEvent> paged = new ArrayList<>();
        long cursor = 0;
        while (true) {
            List<AuditEvent> page = log().after(cursor, 4);
            assertTrue(page.size() <= 4, "rule: AuditLog.after returns at most limit events");
            if (page.isEmpty()) {
                break;
            }
            paged.addAll(page);
            cursor = page.get(page.size() - 1).seq();
        }
        assertEquals(appended, paged, "rule: paging with AuditLog.after(last seq, 4) reads every event once, in order");
        assertEquals(1, log().after(9, 1).size(), "rule: AuditLog.after(9, 1) returns seq 10");
    }

    @Test
    void awaitAppendWakesWhenAnotherThreadAppends() throws Exception {
        appendMany(2);
        long head = tail(() -> log().head());
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread appender = new Thread(() -> {
            try {
                Thread.sleep(200); // lets the wait start first; the assertions do not depend on it
                log().append(draft(TENANT, 99).build());
            } catch (RuntimeException e) {
                failure.set(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tck-audit-appender");
        appender.start();
        boolean woken = log().awaitAppend(head, Duration.ofSeconds(20));
        appender.join(20_000);
        assertEquals(null, failure.get(), "the appender thread's append failed");
        assertTrue(woken, "rule: AuditLog.awaitAppend returns true when this process appends an event after the seq");
        assertEquals(head + 1, log().head(), "rule: AuditLog.head moves to the appended event");
        assertTrue(log().awaitAppend(head, Duration.ofSeconds(20)),
                "rule: AuditLog.awaitAppend returns true at once when an event after the seq is already there");
    }

    @Test
    void awaitAppendTimesOutWithoutAnAppend() throws Exception {
        appendMany(1);
        long head = tail(() -> log().head());
        assertFalse(log().awaitAppend(head, Duration.ofMillis(100)),
                "rule: AuditLog.awaitAppend returns false when no event follows the seq within the timeout");
        assertFalse(log().awaitAppend(head, Duration.ZERO), "rule: AuditLog.awaitAppend with a zero timeout does not wait");
        assertEquals(head, log().head(), "rule: waiting appends nothing");
    }

    // The first tail call of a test: skips it while the log has no tail yet.
    private static <T> T tail(Supplier<T> call) {
        try {
            return call.get();
        } catch (UnsupportedOperationException e) {
            Assumptions.assumeTrue(false, "the log under test has no tail (after/head) yet: " + e.getMessage());
            throw e;
        }
    }

    private List<AuditEvent> appendMany(int count) {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(log().append(draft(i % 2 == 0 ? TENANT : OTHER_TENANT, i).build()));
        }
        return events;
    }

    private static AuditEvent.Builder draft(String tenant, int second) {
        return AuditEvent.builder(AuditEventType.VERSION_ADD, tenant, "user:tck-alice", "req-" + second, Decision.ALLOW,
                T0.plusSeconds(second)).secret("prod", "payments/db").version(second + 1);
    }
}
