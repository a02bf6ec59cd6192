package dev.coffer.spi.store;

import java.util.Optional;

/**
 * SPI: where wrapped tenant keys live. Several server instances may race to create a tenant's
 * first key or to rotate it, so writes are conditional.
 *
 * <p>Contract (proved by the TCK's {@code TenantKeyStoreContract}): {@link #createIfAbsent}
 * returns the one stored key whoever wins; {@link #replace} succeeds only on the expected
 * revision and stores revision + 1.
 *
 * <p>Writes commit on their own, never inside a {@link SecretStore} transaction: envelopes cache
 * tenant keys, so a key rolled back with a failed version add would leave values sealed under a
 * key that no longer exists.
 */
public interface TenantKeyStore {
    /** The tenant's key, if created. */
    Optional<WrappedTenantKey> find(String tenant);

    /**
     * Stores {@code key} as revision 1 (whatever revision the argument carries) unless the tenant already has one; returns what is stored
     * afterwards, which is the other writer's key if it won the race.
     */
    WrappedTenantKey createIfAbsent(WrappedTenantKey key);

    /**
     * Replaces the key if its stored revision is {@code expectedRevision}.
     *
     * @return the stored key with revision {@code expectedRevision + 1}
     * @throws dev.coffer.spi.error.ConflictException {@code VERSION_CONFLICT} on another revision
     * @throws dev.coffer.spi.error.NotFoundException if the tenant has no key
     */
    WrappedTenantKey replace(String tenant, long expectedRevision, byte[] wrappedKeyset, java.time.Instant now);
}
