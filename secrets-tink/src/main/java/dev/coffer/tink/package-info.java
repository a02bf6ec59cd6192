/**
 * Envelope encryption on Google Tink with a per-tenant key hierarchy: {@link dev.coffer.tink.TinkEnvelope}
 * (the {@link dev.coffer.spi.crypto.Envelope}), {@link dev.coffer.tink.TenantKeyRotation} (two-phase
 * rotation of tenant keys) and its reports. Root keys come from {@link dev.coffer.tink.root}.
 */
package dev.coffer.tink;
