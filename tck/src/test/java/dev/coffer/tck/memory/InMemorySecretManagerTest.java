package dev.coffer.tck.memory;

import dev.coffer.spi.memory.InMemoryAuditLog;
import dev.coffer.spi.memory.InMemoryPolicyStore;
import dev.coffer.spi.memory.InMemorySecretStore;
import dev.coffer.spi.memory.InMemoryTenantKeyStore;
import dev.coffer.spi.memory.JdkEnvelope;
import dev.coffer.tck.KernelFixture;
import dev.coffer.tck.ManagerFixture;
import dev.coffer.tck.SecretManagerContract;

/** The whole {@link SecretManagerContract} on the kernel over the in-memory parts. */
class InMemorySecretManagerTest extends SecretManagerContract {
    @Override
    protected ManagerFixture createFixture() {
        return KernelFixture.over(new InMemorySecretStore(), new JdkEnvelope(new InMemoryTenantKeyStore()),
                new InMemoryAuditLog(), new InMemoryPolicyStore());
    }
}
