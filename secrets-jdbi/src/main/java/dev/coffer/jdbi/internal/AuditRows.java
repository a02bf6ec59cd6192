package dev.coffer.jdbi.internal;

import dev.coffer.spi.audit.AuditChain;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.Decision;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.StatementContext;

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

    // Ids looked up per statement; a group-commit batch holds at most 512 drafts.
    private static final int IDS_PER_QUERY = 500;

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
        Map<String, AuditEvent> byId = new HashMap<>(storedById(h, ids(drafts)));
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
        for (int from = 0; from < all.size(); from += IDS_PER_QUERY) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + IDS_PER_QUERY));
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

    // Chains 'drafts' after 'head' (locked by the caller), inserts them in one batch, moves the head.
    private static List<AuditEvent> insert(Handle h, Head head, List<AuditEvent> drafts, AuditChain chain) {
        if (drafts.isEmpty()) {
            return List.of();
        }
        List<AuditEvent> chained = new ArrayList<>(drafts.size());
        long seq = head.seq();
        String prev = head.hash();
        PreparedBatch batch = h.prepareBatch("INSERT INTO audit_events (" + COLUMNS + ") VALUES (:seq, :eventId, :eventType,"
                + " :tenant, :environment, :path, :version, :principal, :action, :detail, :sourceIp, :requestId, :decision,"
                + " :reason, :ticket, :createdAt, :prevHash, :hash)");
        for (AuditEvent draft : drafts) {
            // AuditEvent keeps createdAt at microseconds, as the column does: the event returned is the one a query returns.
            AuditEvent event = draft.chained(++seq, prev, chain);
            prev = event.hash();
            chained.add(event);
            batch.bind("seq", event.seq()).bind("eventId", event.id()).bind("eventType", event.eventType().name())
                    .bind("tenant", event.tenant()).bind("environment", event.environment()).bind("path", event.path())
                    .bind("version", event.version()).bind("principal", event.principal()).bind("action", event.action())
                    .bind("detail", event.detail()).bind("sourceIp", event.sourceIp()).bind("requestId", event.requestId())
                    .bind("decision", event.decision().name()).bind("reason", event.reason()).bind("ticket", event.ticket())
                    .bind("createdAt", Sql.instant(event.createdAt()))
                    .bind("prevHash", event.prevHash()).bind("hash", event.hash())
                    .add();
        }
        batch.execute();
        h.createUpdate("UPDATE audit_head SET last_seq = :seq, last_hash = :hash WHERE id = 1")
                .bind("seq", seq).bind("hash", prev).execute();
        return chained;
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
