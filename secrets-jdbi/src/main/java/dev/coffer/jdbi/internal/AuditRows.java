package dev.coffer.jdbi.internal;

import dev.coffer.spi.audit.AuditChain;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.Decision;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The rows of {@code audit_events} and {@code audit_head}: appending a batch of drafts to the
 * chain, and mapping rows back to events.
 */
public final class AuditRows {
    /** Every column of an event, in {@link AuditEvent} order. */
    public static final String COLUMNS = "seq, event_type, tenant, environment, path, version, principal, action, detail,"
            + " source_ip, request_id, decision, reason, ticket, created_at, prev_hash, hash";

    private AuditRows() {}

    /**
     * The newest event's seq and hash, and the seq of the first keyed event (the ones before were
     * written unkeyed, before the upgrade to schema version 2).
     */
    public record Head(long seq, String hash, long keyedFrom) {}

    /**
     * Appends {@code drafts} in order on {@code h}, which must be in a transaction: locks the
     * head row (serializing appenders across server instances until this transaction ends),
     * chains each draft after the previous one with {@code chain}, inserts them in one batch and
     * moves the head.
     */
    public static List<AuditEvent> append(Handle h, List<AuditEvent> drafts, AuditChain chain) {
        Head head = h.createQuery("SELECT last_seq, last_hash, keyed_from FROM audit_head WHERE id = 1 FOR UPDATE")
                .map(AuditRows::mapHead)
                .findOne().orElseThrow(() -> new IllegalStateException("the audit_head row is missing"));
        List<AuditEvent> chained = new ArrayList<>(drafts.size());
        long seq = head.seq();
        String prev = head.hash();
        PreparedBatch batch = h.prepareBatch("INSERT INTO audit_events (" + COLUMNS + ") VALUES (:seq, :eventType, :tenant,"
                + " :environment, :path, :version, :principal, :action, :detail, :sourceIp, :requestId, :decision, :reason,"
                + " :ticket, :createdAt, :prevHash, :hash)");
        for (AuditEvent draft : drafts) {
            AuditEvent event = micros(draft).chained(++seq, prev, chain);
            prev = event.hash();
            chained.add(event);
            batch.bind("seq", event.seq()).bind("eventType", event.eventType().name()).bind("tenant", event.tenant())
                    .bind("environment", event.environment()).bind("path", event.path()).bind("version", event.version())
                    .bind("principal", event.principal()).bind("action", event.action()).bind("detail", event.detail())
                    .bind("sourceIp", event.sourceIp()).bind("requestId", event.requestId())
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
            h.createUpdate("INSERT INTO audit_events (" + COLUMNS + ") VALUES (-1, 'AUDIT_VERIFY', '-', NULL, NULL, NULL,"
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
        return new AuditEvent(rs.getLong("seq"), AuditEventType.valueOf(rs.getString("event_type")), rs.getString("tenant"),
                rs.getString("environment"), rs.getString("path"), Sql.nullableInt(rs, "version"), rs.getString("principal"),
                rs.getString("action"), rs.getString("detail"), rs.getString("source_ip"), rs.getString("request_id"),
                Decision.valueOf(rs.getString("decision")), rs.getString("reason"), rs.getString("ticket"),
                Sql.instant(rs, "created_at"), rs.getString("prev_hash"), rs.getString("hash"));
    }

    // The store keeps microseconds and the hash covers only those, so the event returned to the
    // caller is the one a later query returns.
    private static AuditEvent micros(AuditEvent d) {
        if (d.createdAt().getNano() % 1000 == 0) {
            return d;
        }
        return new AuditEvent(d.seq(), d.eventType(), d.tenant(), d.environment(), d.path(), d.version(), d.principal(),
                d.action(), d.detail(), d.sourceIp(), d.requestId(), d.decision(), d.reason(), d.ticket(),
                d.createdAt().truncatedTo(ChronoUnit.MICROS), d.prevHash(), d.hash());
    }
}
