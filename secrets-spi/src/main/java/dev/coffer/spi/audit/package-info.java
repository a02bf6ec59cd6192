/**
 * Audit: events, the {@link dev.coffer.spi.audit.AuditLog} SPI, the keyed chain
 * ({@link dev.coffer.spi.audit.AuditChain}, {@link dev.coffer.spi.audit.AuditKeys}), checkpoints
 * and where they are anchored ({@link dev.coffer.spi.audit.AuditCheckpoint},
 * {@link dev.coffer.spi.audit.AuditAnchor}), queries, verification and summaries.
 */
package dev.coffer.spi.audit;
