package dev.coffer.spi.audit;

import java.util.List;

import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;

/**
 * SPI: the append-only, keyed hash chain of every attempt, anchored by checkpoints kept
 * elsewhere.
 *
 * <p>Contract (proved by the TCK's {@code AuditLogContract}):
 * <ul>
 *   <li>{@link #append} makes the event durable before it returns, assigns the next
 *       {@code seq} (gap-free, from 1, one sequence and one chain across all tenants) and chains
 *       it with a keyed {@link AuditChain} whose key is not kept in the log's storage
 *       ({@link AuditKeys}); when it cannot, it throws
 *       {@link dev.coffer.spi.error.UnavailableException} with
 *       {@link dev.coffer.spi.error.ErrorCode#AUDIT_UNAVAILABLE} and the caller's operation fails;</li>
 *   <li>{@link #append} is idempotent by {@link AuditEvent#id()}: a draft whose id the log
 *       already holds appends nothing and returns the event stored under that id, also when two
 *       appends of one id race; so the kernel can relay a store's
 *       {@link dev.coffer.spi.store.AuditOutbox} again after a crash or a lost reply;</li>
 *   <li>a log that shares a store's transactions (one SQL database) lets that store write the
 *       events of its {@link dev.coffer.spi.store.BeforeCommit} hooks into the chain inside the
 *       store's transaction, so they commit or roll back with the change;</li>
 *   <li>{@link #checkpoint} (and the log by itself, periodically and when it closes) records the
 *       head in an {@link AuditAnchor} outside the log's storage;</li>
 *   <li>{@link #query} returns events in {@code seq} order;</li>
 *   <li>{@link #after} returns committed events of every tenant after a seq, in seq order and
 *       gap-free: an event is never returned after one with a higher seq was (appends commit in seq
 *       order), so a reader that resumes after the last seq it saw misses none; this is what the
 *       change stream ({@link dev.coffer.spi.watch}) reads;</li>
 *   <li>{@link #awaitAppend} returns early when an event may have been appended after a seq, also
 *       by another process sharing the storage where the storage can signal it (PostgreSQL
 *       {@code LISTEN/NOTIFY}); otherwise it waits out its timeout and the reader polls;</li>
 *   <li>{@link #verify} walks the chain ({@link AuditChainWalk}) and names the first event that
 *       fails: an altered one, the first after a gap, or the first missing behind a checkpoint.</li>
 * </ul>
 */
public interface AuditLog {
    /**
     * Appends a draft and returns it chained; if an event with the draft's id is already in the
     * log, appends nothing and returns that event.
     *
     * @param draft an event with {@link AuditEvent#isDraft()} true
     * @return the stored event with seq, prevHash and hash
     */
    AuditEvent append(AuditEvent draft);

    /** Events matching {@code query}, oldest first. */
    Page<AuditEvent> query(AuditQuery query, PageRequest page);

    /**
     * Committed events with {@code seq > afterSeq}, of every tenant, oldest first; at most
     * {@code limit}. Only the kernel's change stream calls this; it filters by tenant and rights.
     *
     * @param afterSeq 0 or more
     * @param limit 1 to {@value #MAX_AFTER}
     * @throws dev.coffer.spi.error.UnavailableException {@code AUDIT_UNAVAILABLE} when the log cannot be read
     */
    List<AuditEvent> after(long afterSeq, int limit);

    /** The most events one {@link #after} returns. */
    int MAX_AFTER = 1000;

    /**
     * The seq of the newest committed event, 0 for an empty log.
     *
     * @throws dev.coffer.spi.error.UnavailableException {@code AUDIT_UNAVAILABLE} when the log cannot be read
     */
    long head();

    /**
     * Waits until an event after {@code afterSeq} may have been committed, or {@code timeout}
     * passed. May return early without one (a reader checks with {@link #after}). A log whose
     * storage cannot signal appends by other processes waits out the timeout unless an append of
     * this process comes first; the default waits out the timeout.
     *
     * @return {@code true} when woken by an append (or its signal), {@code false} on timeout
     */
    default boolean awaitAppend(long afterSeq, java.time.Duration timeout) throws InterruptedException {
        long millis = timeout.toMillis();
        if (millis > 0) {
            Thread.sleep(millis);
        }
        return false;
    }

    /**
     * Verifies the whole chain and its checkpoints; the figures count only {@code tenant}'s events.
     *
     * @param tenant whose figures to report
     */
    AuditVerification verify(String tenant);

    /**
     * Records the current (committed) head in the log's {@link AuditAnchor} now. Logs also do this
     * by themselves, periodically; events appended after the newest checkpoint are the ones a
     * storage writer could still remove unnoticed. A log that checkpoints every so many appends
     * (the in-memory log: every 1000) should take each such checkpoint by the time the append that
     * completes the count returns; {@link #verify} then finds events removed behind it. The TCK
     * checks this when the log's test states the count ({@code AuditLogContract.checkpointsEvery()}).
     *
     * @throws dev.coffer.spi.error.UnavailableException {@code AUDIT_UNAVAILABLE} when the head
     *         cannot be read or the anchor cannot be written
     */
    void checkpoint();
}
