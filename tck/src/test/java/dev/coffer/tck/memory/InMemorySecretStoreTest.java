package dev.coffer.tck.memory;

import dev.coffer.spi.memory.InMemorySecretStore;
import dev.coffer.spi.store.SecretStore;
import dev.coffer.tck.SecretStoreContract;

/** Runs {@link SecretStoreContract} against {@link InMemorySecretStore}. */
class InMemorySecretStoreTest extends SecretStoreContract {
    @Override
    protected SecretStore newStore() {
        return new InMemorySecretStore();
    }
}
