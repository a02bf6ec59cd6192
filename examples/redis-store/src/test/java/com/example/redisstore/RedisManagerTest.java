package com.example.redisstore;

import dev.coffer.spi.memory.InMemoryAuditLog;
import dev.coffer.spi.memory.InMemoryTenantKeyStore;
import dev.coffer.spi.memory.JdkEnvelope;
import dev.coffer.tck.KernelFixture;
import dev.coffer.tck.ManagerFixture;
import dev.coffer.tck.SecretManagerContract;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole SecretManager contract on the kernel over the Redis secret and policy stores (one
 * keyspace, one outbox the kernel relays to the log) and Coffer's in-memory envelope, key store
 * and audit log. The fixture deletes the keyspace's keys when the test ends.
 */
@ExtendWith(UseRedis.class)
class RedisManagerTest extends SecretManagerContract {
    @Override
    protected ManagerFixture createFixture() {
        UseRedis.TestKeyspace space = UseRedis.freshKeyspace();
        return KernelFixture.over(new RedisSecretStore(space.keyspace()), new JdkEnvelope(new InMemoryTenantKeyStore()),
                new InMemoryAuditLog(), new RedisPolicyStore(space.keyspace()), space);
    }
}
