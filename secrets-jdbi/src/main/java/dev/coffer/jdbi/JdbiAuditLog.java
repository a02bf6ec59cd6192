package dev.coffer.jdbi;

import dev.coffer.spi.internal.PageTokens;
import dev.coffer.jdbi.internal.AppendSignal;
import dev.coffer.jdbi.internal.AuditListener;
import dev.coffer.jdbi.internal.AuditNotifier;
import dev.coffer.jdbi.internal.AuditRows;
import dev.coffer.jdbi.internal.AuditVerifier;
import dev.coffer.jdbi.internal.ChainAppender;
import dev.coffer.jdbi.internal.Database;
import dev.coffer.jdbi.internal.GroupCommitter;
import dev.coffer.jdbi.internal.Sql;
import dev.coffer.spi.audit.AuditAnchor;
import dev.coffer.spi.audit.AuditCheckpoint;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditKeys;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.audit.AuditVerification;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;

/**
 * {@link AuditLog} on JDBI: {@code audit_events}, append-only and chained with the keyed
 * {@link dev.coffer.spi.audit.AuditChain} of its {@link AuditKeys} (held outside the database),
 * plus the one-row {@code audit_head} that appenders lock to take the next seq (so several server
 * instances share one gap-free sequence) and that {@link #verify} checks the end of the chain
 * against.
 *
 * <p>Checkpoints of the committed head go to the {@link AuditAnchor} (outside the database) when
 * the log opens, every {@value #CHECKPOINT_EVERY_EVENTS} committed events (its appends and the
 * stores' changes, counted from the open or the last {@link #checkpoint()}; taken on the thread
 * whose commit reached the count, before that append returns), every {@link #CHECKPOINT_INTERVAL}
 * while the head moves, and when it closes. Events committed after
 * the newest checkpoint are the loss window: a database writer can still remove those unnoticed.
 *
 * <p>Events come in two ways, both chained under the head lock, so that appends are serialized
 * across server instances and the chain stays gap-free:
 * <ul>
 *   <li>the events of a change of {@link JdbiSecretStore} or {@link JdbiPolicyStore} (of the same
 *       {@link CofferDatabase}), which the kernel's {@link dev.coffer.spi.store.BeforeCommit} hook
 *       returns, are written by the store itself inside the change's transaction: change and
 *       events commit or roll back together, and the stores' outbox is
 *       {@link dev.coffer.spi.store.AuditOutbox#none()};</li>
 *   <li>{@link #append} (reads, denials, failures, relayed events) is group-committed: concurrent
 *       appends share one transaction and one commit, and each caller returns once its event is
 *       durable; or, with group commit off, each append commits alone. A batch holds at most
 *       {@value dev.coffer.jdbi.internal.AuditRows#MAX_BATCH} events and takes five statements
 *       whatever its size: the head lock, one look-up of its ids, one insert (a multi-row
 *       {@code INSERT} on H2; on PostgreSQL a JDBC batch, which the driver sends in one round
 *       trip), the head's update and the commit.</li>
 * </ul>
 * {@link #append} is idempotent by {@link AuditEvent#id()}: inside the batch's transaction, once
 * it holds the head lock, the log looks up which of the batch's ids are stored already and returns
 * those events instead of inserting them; a batch holding one id twice inserts it once. So an id
 * appended again, concurrently, through another instance or after a lost reply, is chained once
 * and every caller gets the same seq. A unique index on {@code audit_events.event_id} backs this
 * up. Rows written before ids existed have none and verify as they always did.
 *
 * A store change is stricter: its events are new, so one whose id is already stored fails the
 * change ({@link IllegalArgumentException}) instead of being merged.
 *
 * <p>A failure to write events raises {@link dev.coffer.spi.error.UnavailableException}
 * {@code AUDIT_UNAVAILABLE}, so the kernel fails the caller's operation; a store change whose
 * commit fails after its events were written fails with {@code STORE_UNAVAILABLE}, and neither
 * the change nor its events stay (a connection lost during {@code COMMIT} leaves the outcome
 * unknown to the caller, the change and its events still together).
 *
 * <pre>{@code
 * AuditVerification check = db.auditLog().verify("acme");
 * }</pre>
 */
public final class JdbiAuditLog implements AuditLog {
    /** Committed events after which the log takes a checkpoint by itself, before the append that reaches the count returns. */
    public static final int CHECKPOINT_EVERY_EVENTS = 1000;
    /** How often the log takes a checkpoint by itself while the head moves. */
    public static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(10);

    private static final System.Logger LOG = System.getLogger("dev.coffer.jdbi");

    private final Database db;
    private final AuditKeys keys;
    private final AuditAnchor anchor;
    private final GroupCommitter committer;
    private final AtomicLong soloCommits = new AtomicLong();
    private final AtomicLong sinceCheckpoint = new AtomicLong();
    private final ScheduledExecutorService checkpointer;
    private AuditRows.Head checkpointed; // guarded by this
    private final AppendSignal signal = new AppendSignal();
    // Null on H2: there only this process's appends wake readers.
    private final AuditListener listener;
    private final AuditNotifier notifier;

    /**
     * @param listenConnector opens the dedicated connection that LISTENs for other instances'
     *        appends (PostgreSQL), or {@code null} (H2: one process per database)
     */
    JdbiAuditLog(Database db, boolean groupCommit, AuditKeys keys, AuditAnchor anchor, AuditListener.Connector listenConnector) {
        this.db = db;
        this.keys = Objects.requireNonNull(keys, "keys");
        this.anchor = Objects.requireNonNull(anchor, "anchor");
        this.checkpointed = anchor.checkpoints().stream().filter(c -> AuditCheckpoint.LOG.equals(c.chain()))
                .max(java.util.Comparator.comparingLong(AuditCheckpoint::seq))
                .map(c -> new AuditRows.Head(c.seq(), c.hash(), c.keyedFrom())).orElse(null);
        // At open, before any thread starts: anchors the head (and where the keyed chain starts).
        checkpoint();
        this.committer = groupCommit
                ? new GroupCommitter(this::commitBatch, Duration.ofSeconds(30), GroupCommitter.DEFAULT_GATHER_WAIT,
                        "coffer-audit-group-commit")
                : null;
        this.checkpointer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "coffer-audit-checkpoint");
            t.setDaemon(true);
            return t;
        });
        long period = CHECKPOINT_INTERVAL.toMillis();
        checkpointer.scheduleWithFixedDelay(this::checkpointInBackground, period, period, TimeUnit.MILLISECONDS);
        if (listenConnector != null) {
            this.notifier = new AuditNotifier(db);
            this.listener = new AuditListener(listenConnector, signal::signal, this::caughtUp);
            listener.start();
        } else {
            this.notifier = null;
            this.listener = null;
        }
    }

    // LISTEN is (again) in place: notifications sent while it was not are lost, so readers waiting
    // for what committed meanwhile are woken by the committed head.
    private void caughtUp() {
        try {
            signal.signal(head());
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "reading the audit head after LISTEN failed ({0}); readers poll", e.getClass().getSimpleName());
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code draft} was already appended (has seq or hashes)
     */
    @Override
    public AuditEvent append(AuditEvent draft) {
        Objects.requireNonNull(draft, "draft");
        if (!draft.isDraft() || draft.seq() != 0 || draft.prevHash() != null) {
            throw new IllegalArgumentException("only drafts can be appended; event " + draft.seq() + " already is chained");
        }
        if (committer != null) {
            return committer.append(draft);
        }
        AuditEvent appended = commitBatch(List.of(draft)).get(0);
        soloCommits.incrementAndGet();
        return appended;
    }

    /**
     * {@inheritDoc}
     *
     * @throws dev.coffer.spi.error.InvalidRequestException {@code INVALID_ARGUMENT} for a page
     *         token this log did not issue
     */
    @Override
    public Page<AuditEvent> query(AuditQuery query, PageRequest page) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(page, "page");
        long after = page.pageToken() == null ? 0 : PageTokens.auditSeq(page.pageToken());
        StringBuilder sql = new StringBuilder("SELECT " + AuditRows.COLUMNS + " FROM audit_events"
                + " WHERE tenant = :tenant AND seq > :after");
        Map<String, Object> binds = new HashMap<>();
        binds.put("tenant", query.tenant());
        binds.put("after", after);
        filter(sql, binds, "environment", query.environment());
        filter(sql, binds, "path", query.path());
        filter(sql, binds, "principal", query.principal());
        filter(sql, binds, "event_type", query.eventType() == null ? null : query.eventType().name());
        filter(sql, binds, "decision", query.decision() == null ? null : query.decision().name());
        if (query.since() != null) {
            sql.append(" AND created_at >= :since");
        }
        if (query.until() != null) {
            sql.append(" AND created_at < :until");
        }
        sql.append(" ORDER BY seq LIMIT ").append(page.limit() + 1);
        List<AuditEvent> rows = db.read(h -> {
            var q = h.createQuery(sql.toString()).bindMap(binds);
            if (query.since() != null) {
                q.bind("since", Sql.instant(query.since()));
            }
            if (query.until() != null) {
                q.bind("until", Sql.instant(query.until()));
            }
            return q.map(AuditRows::event).list();
        });
        if (rows.size() <= page.limit()) {
            return new Page<>(rows, null);
        }
        List<AuditEvent> items = rows.subList(0, page.limit());
        return new Page<>(items, PageTokens.afterAuditEvent(items.get(items.size() - 1).seq()));
    }

    private static void filter(StringBuilder sql, Map<String, Object> binds, String column, String value) {
        if (value != null) {
            sql.append(" AND ").append(column).append(" = :").append(column);
            binds.put(column, value);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Reports the first event that fails the keyed chain: an event altered in place (even with
     * every later hash recomputed, which needs the key) is named itself; after deleted events,
     * the first event following the gap; deleted or replaced newest events are found against
     * {@code audit_head} and, when the head was moved back too, against the newest checkpoint.
     */
    @Override
    public AuditVerification verify(String tenant) {
        Objects.requireNonNull(tenant, "tenant");
        List<AuditCheckpoint> checkpoints = anchor.checkpoints();
        return db.snapshot(h -> AuditVerifier.verify(h, tenant, keys, checkpoints), ErrorCode.STORE_UNAVAILABLE);
    }

    /**
     * {@inheritDoc}
     *
     * <p>A head behind the newest checkpoint this log knows of is logged as tampering (events
     * were removed from the database); {@link #verify} names them.
     */
    @Override
    public synchronized void checkpoint() {
        sinceCheckpoint.set(0);
        record(readHead());
    }

    private AuditRows.Head readHead() {
        try {
            return db.read(AuditRows::head);
        } catch (UnavailableException e) {
            throw new UnavailableException(ErrorCode.AUDIT_UNAVAILABLE, "the audit head cannot be read for a checkpoint", e);
        }
    }

    private void record(AuditRows.Head head) {
        if (checkpointed != null && head.seq() < checkpointed.seq()) {
            LOG.log(Level.ERROR, "the audit log''s head (event {0}) is behind its checkpoint of event {1}:"
                    + " events were removed from the database; POST /v1/audit/verify names them", head.seq(), checkpointed.seq());
        }
        anchor.record(keys.checkpoint(AuditCheckpoint.LOG, head.seq(), head.hash(), head.keyedFrom(), Instant.now()));
        checkpointed = head;
    }

    /**
     * Proves that an append could be written now, without writing one: an insert into the
     * event table and an update of the head, in a transaction that is rolled back. For readiness
     * checks; cheap (two statements) and leaves nothing in the chain.
     *
     * @throws UnavailableException {@code AUDIT_UNAVAILABLE} when the database refuses either write
     */
    public void probeAppend() {
        try {
            db.read(h -> {
                AuditRows.probeAppend(h);
                return null;
            });
        } catch (UnavailableException e) {
            throw new UnavailableException(ErrorCode.AUDIT_UNAVAILABLE, "the audit log cannot be written", e);
        }
    }

    // Every CHECKPOINT_EVERY_EVENTS committed events (the log's appends and the stores' changes),
    // counted from the open or the last explicit checkpoint(), the checkpoint is taken right here,
    // on the thread whose commit reached the count, after that commit and outside any transaction,
    // so it is recorded before that append (or store change) returns. The periodic checkpoint does
    // not reset the count, so when the count is reached does not depend on the clock. A failure is
    // logged, not thrown: the events are committed; the periodic checkpoint retries.
    private void appended(int count) {
        if (sinceCheckpoint.addAndGet(count) >= CHECKPOINT_EVERY_EVENTS) {
            checkpointWhenDue();
        }
    }

    private synchronized void checkpointWhenDue() {
        if (sinceCheckpoint.get() < CHECKPOINT_EVERY_EVENTS) {
            return; // a concurrent commit took it already
        }
        sinceCheckpoint.set(0);
        try {
            record(readHead());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "audit checkpoint after {0} events failed ({1}); retrying in {2}s", CHECKPOINT_EVERY_EVENTS,
                    e.getClass().getSimpleName(), CHECKPOINT_INTERVAL.toSeconds());
        }
    }

    // Periodic and at close: only when the head moved since the last checkpoint.
    private synchronized void checkpointInBackground() {
        try {
            AuditRows.Head head = readHead();
            if (!head.equals(checkpointed)) {
                record(head);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "audit checkpoint failed ({0}); retrying in {1}s", e.getClass().getSimpleName(),
                    CHECKPOINT_INTERVAL.toSeconds());
        }
    }

    /**
     * How many commits the log has made for {@link #append}s (the events of store changes commit
     * with the change and count as none). With group commit on and concurrent callers this stays
     * below the number of such appends.
     */
    public long commitCount() {
        return committer != null ? committer.commits() : soloCommits.get();
    }

    /** Whether {@link #append}s are group-committed. */
    public boolean groupCommit() {
        return committer != null;
    }

    /** Stops the group committer after committing what is queued, then takes a last checkpoint; later appends fail. */
    void close() {
        try {
            if (committer != null) {
                committer.close();
            }
        } finally {
            try {
                if (listener != null) {
                    notifier.close();
                    listener.close();
                }
            } finally {
                // Readers blocked in awaitAppend return now instead of at their timeouts.
                signal.wakeAll();
                checkpointer.shutdownNow();
                checkpointInBackground();
            }
        }
    }

    // One transaction for a batch of the log's own appends, idempotent by id: first as if every id
    // were new (AuditRows.appendAssumingNew, no look-up); if the unique index refuses one, the batch
    // rolled back whole and is appended again with the look-up (AuditRows.appendOnce).
    private List<AuditEvent> commitBatch(List<AuditEvent> drafts) {
        AuditRows.Appended appended;
        try {
            appended = db.transact(h -> AuditRows.appendAssumingNew(h, drafts, keys.chain()), ErrorCode.AUDIT_UNAVAILABLE);
        } catch (UnavailableException e) {
            if (!Sql.isUniqueViolation(e.getCause())) {
                throw e;
            }
            LOG.log(Level.DEBUG, "audit batch of {0} events holds a stored id; appending it with the look-up", drafts.size());
            appended = appendLookingUp(drafts);
        }
        appended(appended.inserted());
        if (appended.inserted() > 0) {
            committedUpTo(newest(appended.events()));
        }
        return appended.events();
    }

    private AuditRows.Appended appendLookingUp(List<AuditEvent> drafts) {
        try {
            return db.transact(h -> AuditRows.appendOnce(h, drafts, keys.chain()), ErrorCode.AUDIT_UNAVAILABLE);
        } catch (UnavailableException e) {
            if (!Sql.isUniqueViolation(e.getCause())) {
                throw e;
            }
            // The unique index refused an id the look-up did not see; it is there now, so once more finds it.
            return db.transact(h -> AuditRows.appendOnce(h, drafts, keys.chain()), ErrorCode.AUDIT_UNAVAILABLE);
        }
    }

    // Events up to seq committed: wakes this process's readers now, and tells the other instances (PostgreSQL).
    private void committedUpTo(long seq) {
        signal.signal(seq);
        if (notifier != null) {
            notifier.request();
        }
    }

    private static long newest(List<AuditEvent> events) {
        long newest = 0;
        for (AuditEvent e : events) {
            newest = Math.max(newest, e.seq());
        }
        return newest;
    }

    /**
     * What the stores of the same database need to write a change's events into this log's chain
     * in the change's own transaction ({@link Database#write}): the chain key, and the count that
     * triggers checkpoints.
     */
    ChainAppender inTransaction() {
        return new ChainAppender() {
            @Override
            public List<AuditEvent> appendInTransaction(Handle transaction, List<AuditEvent> drafts) {
                return AuditRows.append(transaction, drafts, keys.chain());
            }

            @Override
            public void committed(List<AuditEvent> events) {
                appended(events.size());
                // After the commit: a reader woken now finds the events.
                committedUpTo(newest(events));
            }
        };
    }

    /**
     * {@inheritDoc}
     *
     * <p>One indexed range read of {@code audit_events} (its primary key is the seq). Appends
     * hold the head lock until they commit, so they commit in seq order and a read never sees an
     * event without every one before it.
     *
     * @throws IllegalArgumentException if {@code afterSeq} is negative or {@code limit} is not 1 to {@value #MAX_AFTER}
     */
    @Override
    public List<AuditEvent> after(long afterSeq, int limit) {
        if (afterSeq < 0 || limit < 1 || limit > MAX_AFTER) {
            throw new IllegalArgumentException("after needs afterSeq >= 0 and limit 1.." + MAX_AFTER);
        }
        try {
            return db.read(h -> h.createQuery("SELECT " + AuditRows.COLUMNS + " FROM audit_events WHERE seq > :after"
                    + " ORDER BY seq LIMIT :limit")
                    .bind("after", afterSeq).bind("limit", limit)
                    .map(AuditRows::event).list());
        } catch (UnavailableException e) {
            throw new UnavailableException(ErrorCode.AUDIT_UNAVAILABLE, "the audit log cannot be read", e);
        }
    }

    /** {@inheritDoc} Read from {@code audit_head}, which moves in the transaction of each append. */
    @Override
    public long head() {
        try {
            return db.read(AuditRows::head).seq();
        } catch (UnavailableException | IllegalStateException e) {
            throw new UnavailableException(ErrorCode.AUDIT_UNAVAILABLE, "the audit head cannot be read", e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Registers the wait, then checks the committed head (so an append committed just before
     * the call is not missed), then waits. Appends of this process wake it right after they
     * commit (events a store change writes inside its own transaction too). On PostgreSQL each
     * instance, after its commits, sends {@code pg_notify('coffer_audit', head)} (coalesced, at most
     * every {@link AuditNotifier#MIN_GAP}; see {@link AuditNotifier}), and a listener thread of this
     * log on a dedicated connection wakes the waiters when another instance's append commits;
     * while that connection is down (it reconnects with a backoff) the wait runs to its timeout,
     * so readers poll. On H2 only this process's appends wake it: one process per H2 database.
     * When the head cannot be read the wait runs as well; the reader's next {@link #after} fails.
     * Returns {@code true} at once, also without an append, when the log closes.
     *
     * @throws IllegalArgumentException if {@code afterSeq} is negative
     */
    @Override
    public boolean awaitAppend(long afterSeq, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        if (afterSeq < 0) {
            throw new IllegalArgumentException("awaitAppend needs afterSeq >= 0");
        }
        AppendSignal.Waiter waiter = signal.register(afterSeq);
        try {
            try {
                if (head() > afterSeq) {
                    return true;
                }
            } catch (UnavailableException e) {
                LOG.log(Level.DEBUG, "awaitAppend could not read the audit head; waiting out the timeout");
            }
            return signal.await(waiter, timeout);
        } finally {
            signal.unregister(waiter);
        }
    }

    /**
     * Whether this log now receives other instances' appends at once: on PostgreSQL, while its
     * listening connection is up; never on H2.
     */
    public boolean listening() {
        return listener != null && listener.listening();
    }

    /** How often the listening connection was lost and put back (0 on H2). */
    public long listenReconnects() {
        return listener == null ? 0 : listener.reconnects();
    }

    // How many readers are blocked in awaitAppend past their head check (tests).
    int waiting() {
        return signal.waiting();
    }
}
