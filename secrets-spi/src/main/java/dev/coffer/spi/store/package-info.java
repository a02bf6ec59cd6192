/**
 * Storage SPIs: {@link dev.coffer.spi.store.SecretStore} (metadata, versions, aliases),
 * {@link dev.coffer.spi.store.TenantKeyStore} (wrapped tenant keys) and
 * {@link dev.coffer.spi.store.PolicyStore} (policies, break-glass grants). Mutations take a
 * {@link dev.coffer.spi.store.BeforeCommit} hook so that changes and their audit events commit
 * together.
 */
package dev.coffer.spi.store;
