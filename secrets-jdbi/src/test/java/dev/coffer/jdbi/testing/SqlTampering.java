package dev.coffer.jdbi.testing;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.tck.AuditLogContract;
import java.time.ZoneOffset;
import org.jdbi.v3.core.Jdbi;

/** Tampers with {@code audit_events} in plain SQL, as someone with write access to the database would. */
public final class SqlTampering implements AuditLogContract.AuditTampering {
    private final Jdbi sql;

    public SqlTampering(Jdbi sql) {
        this.sql = sql;
    }

    @Override
    public void replace(long seq, AuditEvent forged) {
        int changed = sql.withHandle(h -> h.createUpdate("UPDATE audit_events SET seq = :newSeq, event_type = :eventType,"
                        + " tenant = :tenant, environment = :environment, path = :path, version = :version, principal = :principal,"
                        + " action = :action, detail = :detail, source_ip = :sourceIp, request_id = :requestId,"
                        + " decision = :decision, reason = :reason, ticket = :ticket, created_at = :createdAt,"
                        + " prev_hash = :prevHash, hash = :hash WHERE seq = :seq")
                .bind("seq", seq).bind("newSeq", forged.seq()).bind("eventType", forged.eventType().name())
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
}
