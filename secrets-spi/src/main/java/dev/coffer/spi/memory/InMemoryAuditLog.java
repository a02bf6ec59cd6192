package dev.coffer.spi.memory;

import dev.coffer.spi.internal.PageTokens;
import dev.coffer.spi.audit.AuditAnchor;
import dev.coffer.spi.audit.AuditChain;
import dev.coffer.spi.audit.AuditChainWalk;
import dev.coffer.spi.audit.AuditCheckpoint;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditKeys;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.audit.AuditVerification;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The reference {@link AuditLog}: a keyed hash chain in a list in memory, for tests and for
 * embedding without a database. "Durable" here means "kept until the JVM exits".
 *
 * <p>Appends are serialized, so seq numbers are gap-free and each event chains to the one
 * appended just before it. Besides the chain, the log remembers the seq and hash of the newest
 * event it appended (the head), so {@link #verify} also notices the newest events being removed
 * or replaced — a chain alone cannot — and it records the head in its {@link AuditAnchor} every
 * {@value #CHECKPOINT_EVERY} events and on {@link #checkpoint()}.
 *
 * <pre>{@code
 * AuditLog audit = new InMemoryAuditLog();
 * }</pre>
 */
public final class InMemoryAuditLog implements AuditLog {
    /** Events between two checkpoints the log takes by itself. */
    public static final int CHECKPOINT_EVERY = 1000;

    private final AuditKeys keys;
    private final AuditAnchor anchor;
    private final List<AuditEvent> events = new ArrayList<>();
    private final Map<String, AuditEvent> byId = new HashMap<>();
    private long headSeq;
    private String headHash = AuditChain.GENESIS;

    /** An empty log with keys of its own and checkpoints in memory. */
    public InMemoryAuditLog() {
        this(AuditKeys.random(), new InMemoryAuditAnchor());
    }

    /** An empty log chained with {@code keys}, checkpointed into {@code anchor}. */
    public InMemoryAuditLog(AuditKeys keys, AuditAnchor anchor) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.anchor = Objects.requireNonNull(anchor, "anchor");
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code draft} was already appended (has seq or hashes)
     */
    @Override
    public synchronized AuditEvent append(AuditEvent draft) {
        Objects.requireNonNull(draft, "draft");
        if (!draft.isDraft() || draft.seq() != 0 || draft.prevHash() != null) {
            throw new IllegalArgumentException("only drafts can be appended; event " + draft.seq() + " already is chained");
        }
        AuditEvent known = byId.get(draft.id());
        if (known != null) {
            return known;
        }
        AuditEvent chained = draft.chained(headSeq + 1, headHash, keys.chain());
        events.add(chained);
        byId.put(chained.id(), chained);
        headSeq = chained.seq();
        headHash = chained.hash();
        if (headSeq % CHECKPOINT_EVERY == 0) {
            checkpoint();
        }
        notifyAll(); // wakes awaitAppend
        return chained;
    }

    @Override
    public synchronized List<AuditEvent> after(long afterSeq, int limit) {
        if (afterSeq < 0 || limit < 1 || limit > MAX_AFTER) {
            throw new IllegalArgumentException("after needs afterSeq >= 0 and limit 1.." + MAX_AFTER);
        }
        // events is in seq order; the first one after afterSeq by binary search.
        int lo = 0;
        int hi = events.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (events.get(mid).seq() <= afterSeq) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return List.copyOf(events.subList(lo, Math.min(events.size(), lo + limit)));
    }

    @Override
    public synchronized long head() {
        return headSeq;
    }

    @Override
    public synchronized boolean awaitAppend(long afterSeq, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (headSeq <= afterSeq) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /**
     * {@inheritDoc}
     *
     * @throws dev.coffer.spi.error.InvalidRequestException {@code INVALID_ARGUMENT} for a page
     *         token this log did not issue
     */
    @Override
    public synchronized Page<AuditEvent> query(AuditQuery query, PageRequest page) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(page, "page");
        long after = page.pageToken() == null ? 0 : PageTokens.auditSeq(page.pageToken());
        List<AuditEvent> items = new ArrayList<>();
        for (AuditEvent e : events) {
            if (e.seq() <= after || !query.matches(e)) {
                continue;
            }
            if (items.size() == page.limit()) {
                String next = PageTokens.afterAuditEvent(items.get(items.size() - 1).seq());
                return new Page<>(items, next);
            }
            items.add(e);
        }
        return new Page<>(items, null);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Reports the first event that fails {@link AuditChain#isIntact}: an event whose content
     * no longer matches its hash is named itself; after removed events, the first event following
     * the gap is named (its seq does not follow on, or its {@code prevHash} names an event that is
     * gone). Removing or replacing the newest events is found against the remembered head.
     */
    @Override
    public synchronized AuditVerification verify(String tenant) {
        AuditChainWalk walk = new AuditChainWalk(tenant, keys, 1, headSeq, headHash, anchor.checkpoints());
        for (AuditEvent e : events) {
            Optional<AuditVerification> broken = walk.check(e);
            if (broken.isPresent()) {
                return broken.get();
            }
        }
        return walk.finish();
    }

    @Override
    public synchronized void checkpoint() {
        anchor.record(keys.checkpoint(AuditCheckpoint.LOG, headSeq, headHash, 1, Instant.now()));
    }

    /**
     * Test hook for tamper tests only: deletes the events from {@code fromSeq} on and moves the
     * head back to the event before, as an attacker with write access to the storage would.
     * Never used by Coffer itself.
     */
    public synchronized void tamperTruncate(long fromSeq) {
        events.removeIf(e -> e.seq() >= fromSeq);
        AuditEvent last = events.isEmpty() ? null : events.get(events.size() - 1);
        headSeq = last == null ? 0 : last.seq();
        headHash = last == null ? AuditChain.GENESIS : last.hash();
    }

    /**
     * Test hook for tamper tests only: overwrites the stored event {@code seq} with {@code forged}
     * as-is, as an attacker with write access to the storage would. Never used by Coffer itself.
     *
     * @throws IllegalArgumentException if no event {@code seq} is stored
     */
    public synchronized void tamperReplace(long seq, AuditEvent forged) {
        Objects.requireNonNull(forged, "forged");
        events.set(indexOf(seq), forged);
    }

    /**
     * Test hook for tamper tests only: deletes the stored event {@code seq}, as an attacker with
     * write access to the storage would. Never used by Coffer itself.
     *
     * @throws IllegalArgumentException if no event {@code seq} is stored
     */
    public synchronized void tamperRemove(long seq) {
        events.remove(indexOf(seq));
    }

    private int indexOf(long seq) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).seq() == seq) {
                return i;
            }
        }
        throw new IllegalArgumentException("no event " + seq + " is stored");
    }
}
