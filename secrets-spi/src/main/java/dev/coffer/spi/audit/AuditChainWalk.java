package dev.coffer.spi.audit;

import java.util.Optional;

/**
 * One pass over an audit log in {@code seq} order, checking what {@link AuditLog#verify} promises:
 * gap-free numbering, every event intact and chained to its predecessor, and the end of the chain
 * matching the head the log remembers (so removing or replacing the newest events is found too).
 * Shared by every log, so they all name the same first broken event with the same words.
 *
 * <pre>{@code
 * AuditChainWalk walk = new AuditChainWalk(headSeq, headHash);
 * for (AuditEvent e : eventsInSeqOrder) {
 *     Optional<AuditVerification> broken = walk.check(e);
 *     if (broken.isPresent()) return broken.get();
 * }
 * return walk.finish();
 * }</pre>
 */
public final class AuditChainWalk {
    private final long headSeq;
    private final String headHash;
    private String prevHash = AuditChain.GENESIS;
    private long expectedSeq = 1;
    private long checked;

    /**
     * @param headSeq the seq of the newest event the log appended (0 for an empty log)
     * @param headHash that event's hash ({@link AuditChain#GENESIS} for an empty log)
     */
    public AuditChainWalk(long headSeq, String headHash) {
        this.headSeq = headSeq;
        this.headHash = headHash;
    }

    /** Checks the next event; the verification to report if it breaks the chain. */
    public Optional<AuditVerification> check(AuditEvent e) {
        checked++;
        if (e.seq() != expectedSeq) {
            return broken(e.seq(), e.seq() > expectedSeq
                    ? missing(expectedSeq, e.seq() - 1) + " before event " + e.seq()
                    : "event " + e.seq() + " is out of order; expected event " + expectedSeq);
        }
        if (!AuditChain.isIntact(e, prevHash)) {
            return broken(e.seq(), !AuditChain.hash(e).equals(e.hash())
                    ? "event " + e.seq() + " was altered: its content does not match its hash"
                    : "event " + e.seq() + " does not chain to " + (e.seq() == 1 ? "the start of the log"
                            : "event " + (e.seq() - 1) + ": one of them was altered or replaced"));
        }
        if (e.seq() > headSeq) {
            return broken(e.seq(), "event " + e.seq() + " lies past the head of the log (event " + headSeq
                    + "): it was added outside the log");
        }
        prevHash = e.hash();
        expectedSeq++;
        return Optional.empty();
    }

    /** The verdict after the last event: intact, or the newest events removed or replaced. */
    public AuditVerification finish() {
        long last = expectedSeq - 1;
        if (last < headSeq) {
            return AuditVerification.broken(checked, last + 1, missing(last + 1, headSeq) + " at the end of the log");
        }
        if (!prevHash.equals(headHash)) {
            return AuditVerification.broken(checked, last, "event " + last + " was replaced after it was appended");
        }
        return AuditVerification.ok(checked);
    }

    private Optional<AuditVerification> broken(long seq, String problem) {
        return Optional.of(AuditVerification.broken(checked, seq, problem));
    }

    private static String missing(long from, long to) {
        return from == to ? "event " + from + " is missing" : "events " + from + ".." + to + " are missing";
    }
}
