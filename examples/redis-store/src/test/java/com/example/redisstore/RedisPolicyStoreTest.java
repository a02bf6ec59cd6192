package com.example.redisstore;

import dev.coffer.spi.store.PolicyStore;
import dev.coffer.tck.PolicyStoreContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** The PolicyStore contract on a fresh keyspace (random prefix) per test. */
@ExtendWith(UseRedis.class)
class RedisPolicyStoreTest extends PolicyStoreContract {
    private final List<UseRedis.TestKeyspace> opened = new ArrayList<>();

    @Override
    protected PolicyStore newPolicyStore() {
        UseRedis.TestKeyspace space = UseRedis.freshKeyspace();
        opened.add(space);
        return new RedisPolicyStore(space.keyspace());
    }

    @AfterEach
    void deleteKeyspaces() {
        opened.forEach(UseRedis.TestKeyspace::close);
        opened.clear();
    }
}
