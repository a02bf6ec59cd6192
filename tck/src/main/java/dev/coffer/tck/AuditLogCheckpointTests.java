package dev.coffer.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.audit.AuditVerification;
import dev.coffer.spi.audit.Decision;
import dev.coffer.tck.AuditLogContract.AuditTampering;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@link AuditLogContract}: the checkpoints a log takes by itself. {@link AuditLog#checkpoint()}
 * promises that a log also records its head in its anchor periodically, without being asked; a
 * log that counts appends for that ({@link AuditLogContract#checkpointsEvery()}) must then find
 * the removal of events behind such a checkpoint, with no {@code checkpoint()} call at all. (The
 * explicit {@code checkpoint()} is covered by the contract's own tamper tests.) Needs the
 * contract's tampering hook; skipped without it or without a count.
 */
abstract class AuditLogCheckpointTests {
    static final String TENANT = "tck-acme";
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    /** The log under test; wired to the enclosing contract's. */
    abstract AuditLog log();

    /** The enclosing contract's tampering hook for {@link #log()}. */
    abstract Optional<AuditTampering> tampering();

    /** The enclosing contract's {@link AuditLogContract#checkpointsEvery()}. */
    abstract OptionalInt checkpointsEvery();

    private int everyOrSkip() {
        OptionalInt every = checkpointsEvery();
        Assumptions.assumeTrue(every.isPresent(), "this log states no count of appends between its own checkpoints");
        Assumptions.assumeTrue(every.getAsInt() >= 1 && every.getAsInt() <= 100_000,
                "checkpointsEvery() is " + every.getAsInt() + "; the test appends that many events, so it needs 1 to 100000");
        return every.getAsInt();
    }

    private AuditTampering tamperingOrSkip() {
        Optional<AuditTampering> tampering = tampering();
        Assumptions.assumeTrue(tampering.isPresent(), "this log offers no tampering hook");
        return tampering.get();
    }

    @Test
    void newestEventsRemovedBehindAnAutomaticCheckpointAreFoundWithoutACheckpointCall() {
        int every = everyOrSkip();
        AuditTampering tampering = tamperingOrSkip();
        int extra = 3;
        long last = every + extra;
        for (int i = 1; i <= last; i++) {
            AuditEvent appended = log().append(draft(i));
            if (appended.seq() != i) {
                throw new AssertionError("rule: AuditLog.append numbers a fresh log's events from 1 without gaps; append "
                        + i + " got seq " + appended.seq());
            }
        }
        long from = Math.max(1, every - 1);
        assertTrue(log().verify(TENANT).intact(), () -> "rule: AuditLog.verify of an untouched log of " + last
                + " events (tenant " + TENANT + ") is intact");

        // Events from 'from' on removed and the head moved back: the storage is consistent without
        // them, and only the checkpoint the log took by itself at seq >= every can tell.
        tampering.truncate(from);
        AuditVerification verification = log().verify(TENANT);

        String what = "events " + from + ".." + last + " removed and the head moved back to seq " + (from - 1)
                + ", no AuditLog.checkpoint() call; the log checkpoints by itself every " + every + " events";
        assertFalse(verification.intact(), () -> "rule: AuditLog.verify checks the checkpoints the log took by itself;"
                + " removing events older than the newest automatic checkpoint must not verify (" + what + ")");
        assertEquals(from, verification.firstBrokenSeq(), () -> "rule: AuditLog.verify names the first event missing"
                + " behind the automatic checkpoint as firstBrokenSeq (" + what + ")");
        assertNotNull(verification.problem(), () -> "rule: a broken AuditLog.verify states a problem (" + what + ")");
    }

    @Test
    void anAutomaticCheckpointComesWithinTheStatedCountOfAppends() {
        int every = everyOrSkip();
        AuditTampering tampering = tamperingOrSkip();
        // Exactly 'every' events: the automatic checkpoint is due with the last of them.
        for (int i = 1; i <= every; i++) {
            log().append(draft(i));
        }
        tampering.truncate(every);
        AuditVerification verification = log().verify(TENANT);

        String what = "event " + every + " (the newest) removed and the head moved back to seq " + (every - 1)
                + ", no AuditLog.checkpoint() call; the log checkpoints by itself every " + every + " events";
        assertFalse(verification.intact(), () -> "rule: the log takes its automatic checkpoint once the stated count of"
                + " appends is reached, not later; AuditLog.verify must find the removal (" + what + ")");
        assertEquals(every, verification.firstBrokenSeq(), () -> "rule: AuditLog.verify names the event missing behind"
                + " the automatic checkpoint as firstBrokenSeq (" + what + ")");
    }

    private static AuditEvent draft(int n) {
        return AuditEvent.builder(AuditEventType.SECRET_READ, TENANT, "user:tck-alice", "tck-req-" + n, Decision.ALLOW,
                T0.plusMillis(n)).action("secrets:read").reason("routine").build();
    }
}
