package dev.coffer.jdbi;

import dev.coffer.spi.internal.PageTokens;
import dev.coffer.jdbi.internal.AuditRows;
import dev.coffer.jdbi.internal.AuditVerifier;
import dev.coffer.jdbi.internal.Database;
import dev.coffer.jdbi.internal.GroupCommitter;
import dev.coffer.jdbi.internal.Sql;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.audit.AuditVerification;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;

/**
 * {@link AuditLog} on JDBI: {@code audit_events}, append-only and hash-chained with
 * {@link dev.coffer.spi.audit.AuditChain}, plus the one-row {@code audit_head} that appenders
 * lock to take the next seq (so several server instances share one gap-free sequence) and that
 * {@link #verify()} checks the end of the chain against.
 *
 * <p>Where an append goes depends on who calls:
 * <ul>
 *   <li>inside a {@link dev.coffer.spi.store.BeforeCommit} hook of {@link JdbiSecretStore} or
 *       {@link JdbiPolicyStore} (of the same {@link CofferDatabase}), it joins that transaction:
 *       change and event commit or roll back together;</li>
 *   <li>anywhere else (reads, denials, failures) it is group-committed: concurrent appends share
 *       one transaction and one commit, and each caller returns once its event is durable — or,
 *       with group commit off, each append commits alone.</li>
 * </ul>
 * Any failure raises {@link dev.coffer.spi.error.UnavailableException} {@code AUDIT_UNAVAILABLE},
 * so the kernel fails the caller's operation.
 *
 * <pre>{@code
 * AuditVerification check = db.auditLog().verify();
 * }</pre>
 */
public final class JdbiAuditLog implements AuditLog {
    private final Database db;
    private final GroupCommitter committer;
    private final AtomicLong soloCommits = new AtomicLong();

    JdbiAuditLog(Database db, boolean groupCommit) {
        this.db = db;
        this.committer = groupCommit
                ? new GroupCommitter(this::commitBatch, Duration.ofSeconds(30), "coffer-audit-group-commit")
                : null;
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
        Handle transaction = db.currentTransaction();
        if (transaction != null) {
            try {
                return AuditRows.append(transaction, List.of(draft)).get(0);
            } catch (JdbiException e) {
                throw Database.unavailable(ErrorCode.AUDIT_UNAVAILABLE, e);
            } catch (IllegalStateException e) {
                throw new UnavailableException(ErrorCode.AUDIT_UNAVAILABLE, "the audit log cannot be written: " + e.getMessage(), e);
            }
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
     * <p>Reports the first event that fails {@link dev.coffer.spi.audit.AuditChain#isIntact}: an
     * event altered in place is named itself; after deleted events, the first event following
     * the gap; deleted or replaced newest events are found against {@code audit_head}.
     */
    @Override
    public AuditVerification verify() {
        return db.snapshot(AuditVerifier::verify, ErrorCode.STORE_UNAVAILABLE);
    }

    /**
     * How many commits the log has made for appends of its own (outside store transactions).
     * With group commit on and concurrent callers this stays below the number of such appends.
     */
    public long commitCount() {
        return committer != null ? committer.commits() : soloCommits.get();
    }

    /** Whether appends outside store transactions are group-committed. */
    public boolean groupCommit() {
        return committer != null;
    }

    /** Stops the group committer after committing what is queued; later appends fail. */
    void close() {
        if (committer != null) {
            committer.close();
        }
    }

    private List<AuditEvent> commitBatch(List<AuditEvent> drafts) {
        return db.transact(h -> AuditRows.append(h, drafts), ErrorCode.AUDIT_UNAVAILABLE);
    }
}
