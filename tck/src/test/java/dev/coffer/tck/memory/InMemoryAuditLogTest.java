package dev.coffer.tck.memory;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.memory.InMemoryAuditLog;
import dev.coffer.tck.AuditLogContract;
import java.util.Optional;
import java.util.OptionalInt;

/** Runs {@link AuditLogContract} against {@link InMemoryAuditLog}, tamper tests included. */
class InMemoryAuditLogTest extends AuditLogContract {
    @Override
    protected AuditLog newAuditLog() {
        return new InMemoryAuditLog();
    }

    @Override
    protected OptionalInt checkpointsEvery() {
        return OptionalInt.of(InMemoryAuditLog.CHECKPOINT_EVERY);
    }

    @Override
    protected Optional<AuditTampering> tampering(AuditLog log) {
        InMemoryAuditLog memory = (InMemoryAuditLog) log;
        return Optional.of(new AuditTampering() {
            @Override
            public void replace(long seq, AuditEvent forged) {
                memory.tamperReplace(seq, forged);
            }

            @Override
            public void remove(long seq) {
                memory.tamperRemove(seq);
            }

            @Override
            public void truncate(long fromSeq) {
                memory.tamperTruncate(fromSeq);
            }
        });
    }
}
