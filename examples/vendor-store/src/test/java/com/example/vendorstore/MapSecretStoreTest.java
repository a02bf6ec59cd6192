package com.example.vendorstore;

import dev.coffer.spi.store.SecretStore;
import dev.coffer.tck.SecretStoreContract;

/** The store's own contract: every rule of the SecretStore SPI, on a fresh store per test. */
class MapSecretStoreTest extends SecretStoreContract {
    @Override
    protected SecretStore newStore() {
        return new MapSecretStore();
    }
}
