package dev.coffer.tck.memory;

import dev.coffer.spi.memory.InMemoryTenantKeyStore;
import dev.coffer.spi.store.TenantKeyStore;
import dev.coffer.tck.TenantKeyStoreContract;

/** Runs {@link TenantKeyStoreContract} against {@link InMemoryTenantKeyStore}. */
class InMemoryTenantKeyStoreTest extends TenantKeyStoreContract {
    @Override
    protected TenantKeyStore newTenantKeyStore() {
        return new InMemoryTenantKeyStore();
    }
}
