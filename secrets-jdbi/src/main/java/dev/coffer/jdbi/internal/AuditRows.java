package dev.coffer.jdbi.internal;

import dev.coffer.spi.audit.AuditChain;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.Decision;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * The rows of {@code audit_events} and {@code audit_head}: appending drafts to the chain, and
 * mapping rows back to events. Every append first locks the head row, which serializes appenders
 * (also across server instances) until its transaction ends; so a look-up of ids made after the
 * lock sees every event committed before, and none can commit meanwhile.
 *
 * <p>{@code event_id} is unique (a database index, the backstop of the look-ups here) and
 * {@code NULL} in rows written before ids existed; such a row hashes, and so verifies, as it
 * always did.
 */
public final class AuditRows {
    /** Every column of an event, in {@link AuditEvent} order. */
    public static final String COLUMNS = "seq, event_id, event_type, tenant, environment, path, version, principal, action,"
            + " detail, source_ip, request_id, decision, reason, ticket, created_at, prev_hash, hash";

    /**
     * The most drafts one group-commit batch holds ({@link GroupCommitter}), and so the most ids
     * one look-up statement binds and the most rows one insert writes: a batch is one insert
     * (and one look-up only when the insert met a stored id, see {@link #appendAssumingNew}).
     * 512 rows of 18 columns bind 9,216 parameters, far below PostgreSQL's 65,535 per statement.
     * A store change with more events is written in several statements of this size.
     */
    public static final int MAX_BATCH = 512;

    private AuditRows() {}

    /**
     * The newest event's seq and hash, and the seq of the first keyed event (the ones before were
     * written unkeyed, before the upgrade to schema version 2).
     */
    public record Head(long seq, String hash, long keyedFrom) {}

    /**
     * What {@link #appendOnce} did: for each draft, in order, the event stored under its id; and
     * how many of them this call inserted.
     */
    public record Appended(List<AuditEvent> events, int inserted) {}

    /**
     * Appends {@code drafts}, the fresh events of one change, in order on {@code h}, which must
     * be in a transaction: locks the head row, chains each draft after the previous one with
     * {@code chain}, inserts them in one batch and moves the head.
     *
     * @throws IllegalArgumentException if an id of {@code drafts} is already in the chain (a
     *         change's events are new; one that claims a stored event's id is refused, not merged)
     */
    public static List<AuditEvent> append(Handle h, List<AuditEvent> drafts, AuditChain chain) {
        Head head = lockHead(h);
        Map<String, AuditEvent> stored = storedById(h, ids(drafts));
        if (!stored.isEmpty()) {
            AuditEvent known = stored.values().iterator().next();
            throw new IllegalArgumentException("audit event " + known.id() + " is already in the chain (event " + known.seq()
                    + "); the events of a change must be new");
        }
        return insert(h, head, drafts, chain);
    }

    /**
     * Appends {@code drafts} idempotently by id on {@code h}, which must be in a transaction:
     * locks the head row, looks up which ids are stored already, and inserts only the drafts of
     * the others, each id once (the first draft with it). Returns, for each draft, the event
     * stored under its id: the one found, or the one inserted.
     */
    public static Appended appendOnce(Handle h, List<AuditEvent> drafts, AuditChain chain) {
        Head head = lockHead(h);
        return insertEachIdOnce(h, head, drafts, storedById(h, ids(drafts)), chain);
    }

    /**
     * Appends {@code drafts} on {@code h} (in a transaction) as if none of their ids were stored:
     * locks the head row and inserts each id once (the first draft with it), without looking the
     * ids up. A draft whose id is stored already makes the insert fail with a unique violation
     * (the {@code event_id} index), which rolls the whole batch back; the caller then appends it
     * with {@link #appendOnce}. Group commit takes this path first: nearly every draft is new (a
     * read's event is built just before it is appended), and the look-up cost a statement per
     * batch.
     */
    public static Appended appendAssumingNew(Handle h, List<AuditEvent> drafts, AuditChain chain) {
        return insertEachIdOnce(h, lockHead(h), drafts, Map.of(), chain);
    }

    // Inserts the drafts whose id is neither in 'stored' nor taken by an earlier draft; returns,
    // for each draft, the event stored under its id.
    private static Appended insertEachIdOnce(Handle h, Head head, List<AuditEvent> drafts, Map<String, AuditEvent> stored,
            AuditChain chain) {
        Map<String, AuditEvent> byId = new HashMap<>(stored);
        List<AuditEvent> fresh = new ArrayList<>(drafts.size());
        Set<String> taken = new HashSet<>(byId.keySet());
        for (AuditEvent draft : drafts) {
            if (taken.add(draft.id())) {
                fresh.add(draft);
            }
        }
        for (AuditEvent inserted : insert(h, head, fresh, chain)) {
            byId.put(inserted.id(), inserted);
        }
        List<AuditEvent> events = new ArrayList<>(drafts.size());
        for (AuditEvent draft : drafts) {
            events.add(byId.get(draft.id()));
        }
        return new Appended(events, fresh.size());
    }

    /** The stored events with one of {@code ids}, by id. */
    public static Map<String, AuditEvent> storedById(Handle h, Collection<String> ids) {
        Map<String, AuditEvent> found = new HashMap<>();
        List<String> all = List.copyOf(ids);
        for (int from = 0; from < all.size(); from += MAX_BATCH) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + MAX_BATCH));
            h.createQuery("SELECT " + COLUMNS + " FROM audit_events WHERE event_id IN (<ids>)")
                    .bindList("ids", chunk)
                    .map(AuditRows::event)
                    .forEach(e -> found.put(e.id(), e));
        }
        return found;
    }

    private static Set<String> ids(List<AuditEvent> drafts) {
        Set<String> ids = new LinkedHashSet<>();
        drafts.forEach(d -> ids.add(d.id()));
        return ids;
    }

    private static Head lockHead(Handle h) {
        return h.createQuery("SELECT last_seq, last_hash, keyed_from FROM audit_head WHERE id = 1 FOR UPDATE")
                .map(AuditRows::mapHead)
                .findOne().orElseThrow(() -> new IllegalStateException("the audit_head row is missing"));
    }

    // Chains 'drafts' after 'head' (locked by the caller), inserts them, moves the head. A
    // group-commit batch is one insert, in the form that is cheapest on each database:
    // - PostgreSQL: one JDBC batch of one prepared INSERT. The driver sends every row's Bind and
    //   Execute and a single Sync, so the batch is one round trip, and the one statement text is
    //   prepared once per connection for every batch size. (A multi-row VALUES statement has a
    //   text per batch size, parsed and planned anew until the driver prepares each one, and
    //   measured 5-18 % fewer audited reads/s in AuditedReadBenchmark.)
    // - H2: one multi-row INSERT of up to MAX_BATCH rows: H2 is in process (no round trips), and
    //   one command instead of one per row saves its per-statement work.
    private static List<AuditEvent> insert(Handle h, Head head, List<AuditEvent> drafts, AuditChain chain) {
        if (drafts.isEmpty()) {
            return List.of();
        }
        List<AuditEvent> chained = new ArrayList<>(drafts.size());
        long seq = head.seq();
        String prev = head.hash();
        for (AuditEvent draft : drafts) {
            // AuditEvent keeps createdAt at microseconds, as the column does: the event returned is the one a query returns.
            AuditEvent event = draft.chained(++seq, prev, chain);
            prev = event.hash();
            chained.add(event);
        }
        boolean postgres = isPostgres(h);
        for (int from = 0; from < chained.size(); from += MAX_BATCH) {
            List<AuditEvent> rows = chained.subList(from, Math.min(chained.size(), from + MAX_BATCH));
            if (postgres) {
                insertBatch(h, rows);
            } else {
                insertRows(h, rows);
            }
        }
        h.createUpdate("UPDATE audit_head SET last_seq = :seq, last_hash = :hash WHERE id = 1")
                .bind("seq", seq).bind("hash", prev).execute();
        return chained;
    }

    private static boolean isPostgres(Handle h) {
        try {
            return "PostgreSQL".equals(h.getConnection().getMetaData().getDatabaseProductName());
        } catch (SQLException e) {
            throw new org.jdbi.v3.core.ConnectionException(e);
        }
    }

    // One JDBC batch of 'events' (PostgreSQL: one round trip).
    private static void insertBatch(Handle h, List<AuditEvent> events) {
        try (PreparedStatement insert = h.getConnection().prepareStatement(
                "INSERT INTO audit_events (" + COLUMNS + ") VALUES " + ROW_PLACEHOLDERS)) {
            for (AuditEvent event : events) {
                bindRow(insert, 1, event);
                insert.addBatch();
            }
            insert.executeBatch();
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        }
    }

    private static final String ROW_PLACEHOLDERS = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    // One INSERT of 'events' (at most MAX_BATCH), bound by position in COLUMNS order.
    private static void insertRows(Handle h, List<AuditEvent> events) {
        StringBuilder sql = new StringBuilder(40 + COLUMNS.length() + events.size() * (ROW_PLACEHOLDERS.length() + 2))
                .append("INSERT INTO audit_events (").append(COLUMNS).append(") VALUES ");
        for (int i = 0; i < events.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(ROW_PLACEHOLDERS);
        }
        try (PreparedStatement insert = h.getConnection().prepareStatement(sql.toString())) {
            int at = 1;
            for (AuditEvent event : events) {
                at = bindRow(insert, at, event);
            }
            insert.executeUpdate();
        } catch (SQLException e) {
            // No statement context: the message names no bound value (the rendering is off in any case).
            throw new UnableToExecuteStatementException(e, null);
        }
    }

    // Binds one row's 18 columns from JDBC position 'at', in COLUMNS order; returns the next position.
    // Plain JDBC rather than JDBI's binding: on the group commit's path JDBI's per-argument look-ups
    // cost more CPU than H2's insert itself (async-profiler: 3.9 % against 2.2 % of the server).
    private static int bindRow(PreparedStatement insert, int at, AuditEvent event) throws SQLException {
        insert.setLong(at++, event.seq());
        insert.setString(at++, event.id());
        insert.setString(at++, event.eventType().name());
        insert.setString(at++, event.tenant());
        insert.setString(at++, event.environment());
        insert.setString(at++, event.path());
        if (event.version() == null) {
            insert.setNull(at++, Types.INTEGER);
        } else {
            insert.setInt(at++, event.version());
        }
        insert.setString(at++, event.principal());
        insert.setString(at++, event.action());
        insert.setString(at++, event.detail());
        insert.setString(at++, event.sourceIp());
        insert.setString(at++, event.requestId());
        insert.setString(at++, event.decision().name());
        insert.setString(at++, event.reason());
        insert.setString(at++, event.ticket());
        // As Sql.instant binds it everywhere else: an OffsetDateTime in UTC.
        insert.setObject(at++, event.createdAt().atOffset(ZoneOffset.UTC));
        insert.setString(at++, event.prevHash());
        insert.setString(at++, event.hash());
        return at;
    }

    /** The head as committed, without locking it. */
    public static Head head(Handle h) {
        return h.createQuery("SELECT last_seq, last_hash, keyed_from FROM audit_head WHERE id = 1")
                .map(AuditRows::mapHead)
                .findOne().orElseThrow(() -> new IllegalStateException("the audit_head row is missing"));
    }

    /**
     * Proves, in a transaction it rolls back, that an append could be written now: inserts a
     * probe row and touches the head row as an append would. Leaves nothing behind and takes no
     * seq; fails (with the database's exception) when either table refuses the write.
     */
    public static void probeAppend(Handle h) {
        h.begin();
        try {
            h.createUpdate("INSERT INTO audit_events (" + COLUMNS + ") VALUES (-1, NULL, 'AUDIT_VERIFY', '-', NULL, NULL, NULL,"
                    + " 'service:coffer:health', NULL, NULL, NULL, 'health-probe', 'ALLOW', NULL, NULL, :at, :hash, :hash)")
                    .bind("at", Sql.instant(java.time.Instant.EPOCH)).bind("hash", AuditChain.GENESIS).execute();
            h.execute("UPDATE audit_head SET last_seq = last_seq WHERE id = 1");
        } finally {
            h.rollback();
        }
    }

    private static Head mapHead(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Head(rs.getLong("last_seq"), rs.getString("last_hash"), rs.getLong("keyed_from"));
    }

    /** Maps a row of {@link #COLUMNS}. */
    public static AuditEvent event(ResultSet rs, StatementContext ctx) throws SQLException {
        return new AuditEvent(rs.getLong("seq"), rs.getString("event_id"), AuditEventType.valueOf(rs.getString("event_type")), rs.getString("tenant"),
                rs.getString("environment"), rs.getString("path"), Sql.nullableInt(rs, "version"), rs.getString("principal"),
                rs.getString("action"), rs.getString("detail"), rs.getString("source_ip"), rs.getString("request_id"),
                Decision.valueOf(rs.getString("decision")), rs.getString("reason"), rs.getString("ticket"),
                Sql.instant(rs, "created_at"), rs.getString("prev_hash"), rs.getString("hash"));
    }

}
