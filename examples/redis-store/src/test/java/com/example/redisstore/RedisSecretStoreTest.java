package com.example.redisstore;

import dev.coffer.spi.store.SecretStore;
import dev.coffer.tck.SecretStoreContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** The SecretStore contract, every rule, on a fresh keyspace (random prefix) per test. */
@ExtendWith(UseRedis.class)
class RedisSecretStoreTest extends SecretStoreContract {
    private final List<UseRedis.TestKeyspace> opened = new ArrayList<>();

    @Override
    protected SecretStore newStore() {
        UseRedis.TestKeyspace space = UseRedis.freshKeyspace();
        opened.add(space);
        return new RedisSecretStore(space.keyspace());
    }

    // The contract closes a store only if it is AutoCloseable; the keyspace owns the pool and the keys.
    @AfterEach
    void deleteKeyspaces() {
        opened.forEach(UseRedis.TestKeyspace::close);
        opened.clear();
    }
}
