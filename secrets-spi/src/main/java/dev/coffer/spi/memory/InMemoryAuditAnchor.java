package dev.coffer.spi.memory;

import dev.coffer.spi.audit.AuditAnchor;
import dev.coffer.spi.audit.AuditCheckpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The reference {@link AuditAnchor}: checkpoints in a list, for tests and for logs that live in
 * memory themselves.
 *
 * <pre>{@code
 * AuditAnchor anchor = new InMemoryAuditAnchor();
 * }</pre>
 */
public final class InMemoryAuditAnchor implements AuditAnchor {
    private final List<AuditCheckpoint> checkpoints = new ArrayList<>();

    @Override
    public synchronized void record(AuditCheckpoint checkpoint) {
        checkpoints.add(Objects.requireNonNull(checkpoint, "checkpoint"));
    }

    @Override
    public synchronized List<AuditCheckpoint> checkpoints() {
        return List.copyOf(checkpoints);
    }
}
