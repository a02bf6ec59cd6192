package dev.coffer.tck.memory;

import dev.coffer.spi.memory.InMemoryPolicyStore;
import dev.coffer.spi.store.PolicyStore;
import dev.coffer.tck.PolicyStoreContract;

/** Runs {@link PolicyStoreContract} against {@link InMemoryPolicyStore}. */
class InMemoryPolicyStoreTest extends PolicyStoreContract {
    @Override
    protected PolicyStore newPolicyStore() {
        return new InMemoryPolicyStore();
    }
}
