package com.example.vendorstore;

import dev.coffer.spi.memory.InMemoryAuditLog;
import dev.coffer.spi.memory.InMemoryPolicyStore;
import dev.coffer.spi.memory.InMemoryTenantKeyStore;
import dev.coffer.spi.memory.JdkEnvelope;
import dev.coffer.tck.KernelFixture;
import dev.coffer.tck.ManagerFixture;
import dev.coffer.tck.SecretManagerContract;

/** The whole SecretManager contract on the kernel over this store and Coffer's in-memory other parts. */
class MapSecretStoreManagerTest extends SecretManagerContract {
    @Override
    protected ManagerFixture createFixture() {
        return KernelFixture.over(new MapSecretStore(), new JdkEnvelope(new InMemoryTenantKeyStore()),
                new InMemoryAuditLog(), new InMemoryPolicyStore());
    }
}
