package dev.coffer.jdbi.internal;

import dev.coffer.spi.audit.AuditChain;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditVerification;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Walks {@code audit_events} in seq order, a chunk at a time, and reports the first event that
 * fails {@link AuditChain#isIntact}; then compares the end of the walk with {@code audit_head},
 * which notices removed or replaced newest events (a chain alone cannot). Runs in one snapshot,
 * so appends committing meanwhile neither show up half nor look like tampering.
 */
public final class AuditVerifier {
    private static final int CHUNK = 1000;

    private AuditVerifier() {}

    /** Verifies the log as seen by {@code h}, which must hold one snapshot for the whole call. */
    public static AuditVerification verify(Handle h) {
        AuditRows.Head head = AuditRows.head(h);
        String prevHash = AuditChain.GENESIS;
        long expectedSeq = 1;
        long checked = 0;
        long after = Long.MIN_VALUE;
        while (true) {
            List<AuditEvent> chunk = h.createQuery("SELECT " + AuditRows.COLUMNS + " FROM audit_events WHERE seq > :after"
                            + " ORDER BY seq LIMIT " + CHUNK)
                    .bind("after", after)
                    .map(AuditRows::event).list();
            for (AuditEvent e : chunk) {
                checked++;
                if (e.seq() != expectedSeq) {
                    return AuditVerification.broken(checked, e.seq(), e.seq() > expectedSeq
                            ? missing(expectedSeq, e.seq() - 1) + " before event " + e.seq()
                            : "event " + e.seq() + " is out of order; expected event " + expectedSeq);
                }
                if (!AuditChain.isIntact(e, prevHash)) {
                    return AuditVerification.broken(checked, e.seq(), !AuditChain.hash(e).equals(e.hash())
                            ? "event " + e.seq() + " was altered: its content does not match its hash"
                            : "event " + e.seq() + " does not chain to " + (e.seq() == 1 ? "the start of the log"
                                    : "event " + (e.seq() - 1) + ": one of them was altered or replaced"));
                }
                if (e.seq() > head.seq()) {
                    return AuditVerification.broken(checked, e.seq(), "event " + e.seq()
                            + " lies past the head of the log (event " + head.seq() + "): it was added outside the log");
                }
                prevHash = e.hash();
                expectedSeq++;
            }
            if (chunk.size() < CHUNK) {
                break;
            }
            after = chunk.get(chunk.size() - 1).seq();
        }
        long last = expectedSeq - 1;
        if (last < head.seq()) {
            return AuditVerification.broken(checked, last + 1, missing(last + 1, head.seq()) + " at the end of the log");
        }
        if (!prevHash.equals(head.hash())) {
            return AuditVerification.broken(checked, last, "event " + last + " was replaced after it was appended");
        }
        return AuditVerification.ok(checked);
    }

    private static String missing(long from, long to) {
        return from == to ? "event " + from + " is missing" : "events " + from + ".." + to + " are missing";
    }
}
