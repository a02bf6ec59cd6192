/**
 * Audit: events, the {@link dev.coffer.spi.audit.AuditLog} SPI, the shared hash chain, queries,
 * verification and summaries.
 */
package dev.coffer.spi.audit;
