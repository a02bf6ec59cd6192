package dev.coffer.spi.audit;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One pass over an audit log in {@code seq} order, checking what {@link AuditLog#verify} promises:
 * gap-free numbering; every event intact under the keyed chain (events before {@code keyedFrom}
 * under the {@link AuditChain#unkeyed() unkeyed} one they were written with) and chained to its
 * predecessor; the end of the chain matching the head the log remembers; and every
 * {@link AuditCheckpoint} authentic, still matched by its event, and not past the end of the
 * log (so truncating the log and moving the head back is found too). Shared by every log, so
 * they all name the same first broken event with the same words.
 *
 * <pre>{@code
 * AuditChainWalk walk = new AuditChainWalk(tenant, keys, keyedFrom, headSeq, headHash, anchor.checkpoints());
 * for (AuditEvent e : eventsInSeqOrder) {
 *     Optional<AuditVerification> broken = walk.check(e);
 *     if (broken.isPresent()) return broken.get();
 * }
 * return walk.finish();
 * }</pre>
 */
public final class AuditChainWalk {
    private final String tenant;
    private final AuditChain keyed;
    private final long keyedFrom;
    private final long headSeq;
    private final String headHash;
    private final TreeMap<Long, AuditCheckpoint> checkpoints = new TreeMap<>();
    private final AuditVerification rejectedCheckpoint;
    private String prevHash = AuditChain.GENESIS;
    private long expectedSeq = 1;
    private long checked;
    private long firstSeq;
    private long lastSeq;
    private long checkpointsMatched;

    /**
     * @param tenant whose events the figures count
     * @param keys the log's keys
     * @param keyedFrom the seq of the first keyed event (1 for a log keyed from the start)
     * @param headSeq the seq of the newest event the log appended (0 for an empty log)
     * @param headHash that event's hash ({@link AuditChain#GENESIS} for an empty log)
     * @param anchored the checkpoints of this log's chain, in any order
     */
    public AuditChainWalk(String tenant, AuditKeys keys, long keyedFrom, long headSeq, String headHash,
            List<AuditCheckpoint> anchored) {
        this.tenant = Objects.requireNonNull(tenant, "tenant");
        this.keyed = keys.chain();
        this.keyedFrom = keyedFrom;
        this.headSeq = headSeq;
        this.headHash = headHash;
        AuditVerification rejected = null;
        for (AuditCheckpoint c : anchored) {
            if (!AuditCheckpoint.LOG.equals(c.chain())) {
                continue;
            }
            if (!keys.isAuthentic(c)) {
                rejected = brokenAt(c.seq(), "the checkpoint of event " + c.seq() + " taken at " + c.at()
                        + " is not authentic: the checkpoints were altered, or they anchor another database's log");
                break;
            }
            if (c.keyedFrom() != keyedFrom) {
                rejected = brokenAt(Math.min(c.keyedFrom(), keyedFrom), "the keyed chain starts at event " + keyedFrom
                        + " but the checkpoint taken at " + c.at() + " says it starts at event " + c.keyedFrom()
                        + ": the start of the keyed chain was moved");
                break;
            }
            if (c.seq() == 0) {
                // Taken while the log was empty: nothing to match but the start of the chain.
                if (!AuditChain.GENESIS.equals(c.hash())) {
                    rejected = brokenAt(1, "the checkpoint of the empty log taken at " + c.at() + " names a hash: the chain was forked");
                    break;
                }
                checkpointsMatched++;
                continue;
            }
            AuditCheckpoint earlier = checkpoints.put(c.seq(), c);
            if (earlier != null && !earlier.hash().equals(c.hash())) {
                rejected = brokenAt(c.seq(), "two checkpoints of event " + c.seq() + " disagree: the chain was forked");
                break;
            }
        }
        this.rejectedCheckpoint = rejected;
    }

    /** Checks the next event; the verification to report if it breaks the chain. */
    public Optional<AuditVerification> check(AuditEvent e) {
        if (rejectedCheckpoint != null) {
            return Optional.of(rejectedCheckpoint);
        }
        if (e.seq() != expectedSeq) {
            return broken(e.seq(), e.seq() > expectedSeq
                    ? missing(expectedSeq, e.seq() - 1) + " before event " + e.seq()
                    : "event " + e.seq() + " is out of order; expected event " + expectedSeq);
        }
        AuditChain chain = e.seq() < keyedFrom ? AuditChain.unkeyed() : keyed;
        if (!chain.isIntact(e, prevHash)) {
            return broken(e.seq(), !chain.isIntact(e, e.prevHash())
                    ? "event " + e.seq() + " was altered: its content does not match its hash"
                    : "event " + e.seq() + " does not chain to " + (e.seq() == 1 ? "the start of the log"
                            : "event " + (e.seq() - 1) + ": one of them was altered or replaced"));
        }
        if (e.seq() > headSeq) {
            return broken(e.seq(), "event " + e.seq() + " lies past the head of the log (event " + headSeq
                    + "): it was added outside the log");
        }
        AuditCheckpoint anchor = checkpoints.get(e.seq());
        if (anchor != null) {
            if (!anchor.hash().equals(e.hash())) {
                return broken(e.seq(), "event " + e.seq() + " differs from the checkpoint taken at " + anchor.at()
                        + ": the log was rewritten");
            }
            checkpointsMatched++;
        }
        if (tenant.equals(e.tenant())) {
            checked++;
            if (firstSeq == 0) {
                firstSeq = e.seq();
            }
            lastSeq = e.seq();
        }
        prevHash = e.hash();
        expectedSeq++;
        return Optional.empty();
    }

    /** The verdict after the last event: intact, or the newest events removed or replaced. */
    public AuditVerification finish() {
        if (rejectedCheckpoint != null) {
            return rejectedCheckpoint;
        }
        long last = expectedSeq - 1;
        Map.Entry<Long, AuditCheckpoint> newest = checkpoints.lastEntry();
        if (newest != null && newest.getKey() > last) {
            return brokenAt(last + 1, missing(last + 1, newest.getKey()) + " at the end of the log, behind the"
                    + " checkpoint taken at " + newest.getValue().at() + ": the log was truncated");
        }
        if (last < headSeq) {
            return brokenAt(last + 1, missing(last + 1, headSeq) + " at the end of the log");
        }
        if (!prevHash.equals(headHash)) {
            return brokenAt(last, "event " + last + " was replaced after it was appended");
        }
        return AuditVerification.ok(tenant, checked, firstSeq, lastSeq, checkpointsMatched);
    }

    private Optional<AuditVerification> broken(long seq, String problem) {
        return Optional.of(brokenAt(seq, problem));
    }

    private AuditVerification brokenAt(long seq, String problem) {
        return AuditVerification.broken(tenant, checked, firstSeq, lastSeq, checkpointsMatched, seq, problem);
    }

    private static String missing(long from, long to) {
        return from == to ? "event " + from + " is missing" : "events " + from + ".." + to + " are missing";
    }
}
