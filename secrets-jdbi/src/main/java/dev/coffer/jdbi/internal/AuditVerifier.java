package dev.coffer.jdbi.internal;

import dev.coffer.spi.audit.AuditChainWalk;
import dev.coffer.spi.audit.AuditCheckpoint;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditKeys;
import dev.coffer.spi.audit.AuditVerification;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Walks {@code audit_events} in seq order, a chunk at a time, and reports the first event that
 * breaks the chain ({@link AuditChainWalk}): under the key, against the checkpoints kept outside
 * the database, and ending with {@code audit_head}, which notices removed or replaced newest
 * events. Runs in one snapshot, so appends committing meanwhile neither show up half nor look
 * like tampering; checkpoints are read before the snapshot, so none names an event it cannot see.
 */
public final class AuditVerifier {
    private static final int CHUNK = 1000;

    private AuditVerifier() {}

    /**
     * Verifies the log as seen by {@code h}, which must hold one snapshot for the whole call;
     * figures for {@code tenant}.
     */
    public static AuditVerification verify(Handle h, String tenant, AuditKeys keys, List<AuditCheckpoint> checkpoints) {
        AuditRows.Head head = AuditRows.head(h);
        AuditChainWalk walk = new AuditChainWalk(tenant, keys, head.keyedFrom(), head.seq(), head.hash(), checkpoints);
        long after = Long.MIN_VALUE;
        while (true) {
            List<AuditEvent> chunk = h.createQuery("SELECT " + AuditRows.COLUMNS + " FROM audit_events WHERE seq > :after"
                            + " ORDER BY seq LIMIT " + CHUNK)
                    .bind("after", after)
                    .map(AuditRows::event).list();
            for (AuditEvent e : chunk) {
                Optional<AuditVerification> broken = walk.check(e);
                if (broken.isPresent()) {
                    return broken.get();
                }
            }
            if (chunk.size() < CHUNK) {
                return walk.finish();
            }
            after = chunk.get(chunk.size() - 1).seq();
        }
    }
}
