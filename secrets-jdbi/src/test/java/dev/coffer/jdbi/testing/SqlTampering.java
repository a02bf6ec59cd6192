package dev.coffer.jdbi.testing;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.tck.AuditLogContract;
import java.time.ZoneOffset;
import org.jdbi.v3.core.Jdbi;

/**
 * Tampers with {@code audit_events} and {@code audit_head} in plain SQL, as someone with write
 * access to the database (but not the audit keys) would.
 */
public final class SqlTampering implements AuditLogContract.AuditTampering {
    private final Jdbi sql;

    public SqlTampering(Jdbi sql) {
        this.sql = sql;
    }

    @Override
    public void replace(long seq, AuditEvent forged) {
        int changed = sql.withHandle(h -> h.createUpdate("UPDATE audit_events SET seq = :newSeq, event_id = :eventId,"
                        + " event_type = :eventType, tenant = :tenant, environment = :environment, path = :path,"
                        + " version = :version, principal = :principal, action = :action, detail = :detail, source_ip = :sourceIp, request_id = :requestId,"
                        + " decision = :decision, reason = :reason, ticket = :ticket, created_at = :createdAt,"
                        + " prev_hash = :prevHash, hash = :hash WHERE seq = :seq")
                .bind("seq", seq).bind("newSeq", forged.seq()).bind("eventId", forged.id())
                .bind("eventType", forged.eventType().name())
                .bind("tenant", forged.tenant()).bind("environment", forged.environment()).bind("path", forged.path())
                .bind("version", forged.version()).bind("principal", forged.principal()).bind("action", forged.action())
                .bind("detail", forged.detail()).bind("sourceIp", forged.sourceIp()).bind("requestId", forged.requestId())
                .bind("decision", forged.decision().name()).bind("reason", forged.reason()).bind("ticket", forged.ticket())
                .bind("createdAt", forged.createdAt().atOffset(ZoneOffset.UTC))
                .bind("prevHash", forged.prevHash()).bind("hash", forged.hash())
                .execute());
        if (changed != 1) {
            throw new IllegalArgumentException("no event " + seq + " is stored");
        }
    }

    @Override
    public void remove(long seq) {
        int deleted = sql.withHandle(h -> h.createUpdate("DELETE FROM audit_events WHERE seq = :seq").bind("seq", seq).execute());
        if (deleted != 1) {
            throw new IllegalArgumentException("no event " + seq + " is stored");
        }
    }

    @Override
    public void truncate(long fromSeq) {
        truncate(sql, fromSeq);
    }

    /**
     * Deletes the events from {@code fromSeq} on and moves {@code audit_head} back to the newest
     * event left: everything in the database is consistent again, as an attacker would leave it.
     */
    public static void truncate(Jdbi sql, long fromSeq) {
        sql.useTransaction(h -> {
            h.createUpdate("DELETE FROM audit_events WHERE seq >= :from").bind("from", fromSeq).execute();
            h.execute("UPDATE audit_head SET last_seq = COALESCE((SELECT MAX(seq) FROM audit_events), 0),"
                    + " last_hash = COALESCE((SELECT hash FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events)),"
                    + " '" + dev.coffer.spi.audit.AuditChain.GENESIS + "') WHERE id = 1");
        });
    }
}
