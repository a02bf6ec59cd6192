package dev.coffer.spi.audit;

import java.util.List;

/**
 * SPI: where an audit log's {@link AuditCheckpoint checkpoints} are kept — outside the log's own
 * storage, so that whoever can rewrite the log cannot also rewrite its anchors unnoticed (they
 * are MAC'd, and removing them is the only thing left, which loses no event before the newest
 * surviving one). Examples: an append-only file beside the database, a log line shipped
 * elsewhere, a WORM bucket.
 *
 * <pre>{@code
 * AuditAnchor anchor = new InMemoryAuditAnchor();
 * anchor.record(keys.checkpoint(AuditCheckpoint.LOG, 42, head, 1, Instant.now()));
 * }</pre>
 */
public interface AuditAnchor {
    /**
     * Stores {@code checkpoint} durably before returning.
     *
     * @throws dev.coffer.spi.error.UnavailableException {@code AUDIT_UNAVAILABLE} when it cannot
     */
    void record(AuditCheckpoint checkpoint);

    /**
     * Every checkpoint recorded, oldest first.
     *
     * @throws dev.coffer.spi.error.UnavailableException {@code AUDIT_UNAVAILABLE} when they cannot be read
     */
    List<AuditCheckpoint> checkpoints();
}
