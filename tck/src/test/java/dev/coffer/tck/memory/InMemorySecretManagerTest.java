package dev.coffer.tck.memory;

import dev.coffer.spi.memory.InMemoryAuditLog;
import dev.coffer.spi.memory.InMemoryAuditOutbox;
import dev.coffer.spi.memory.InMemoryRotationStore;
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
        // One outbox for every store, as one storage would have.
        InMemoryAuditOutbox outbox = new InMemoryAuditOutbox();
        return KernelFixture.over(new InMemorySecretStore(outbox), new JdkEnvelope(new InMemoryTenantKeyStore()),
                new InMemoryAuditLog(), new InMemoryPolicyStore(outbox), new InMemoryRotationStore(outbox), () -> { });
    }
}
