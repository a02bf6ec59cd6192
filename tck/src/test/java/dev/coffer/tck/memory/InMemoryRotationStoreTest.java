package dev.coffer.tck.memory;

import dev.coffer.spi.memory.InMemoryRotationStore;
import dev.coffer.spi.store.RotationStore;
import dev.coffer.tck.RotationStoreContract;

/** Runs {@link RotationStoreContract} against {@link InMemoryRotationStore}. */
class InMemoryRotationStoreTest extends RotationStoreContract {
    @Override
    protected RotationStore newRotationStore() {
        return new InMemoryRotationStore();
    }
}
