package dev.coffer.tink;

import dev.coffer.spi.memory.InMemoryAuditLog;
import dev.coffer.spi.memory.InMemoryPolicyStore;
import dev.coffer.spi.memory.InMemorySecretStore;
import dev.coffer.spi.memory.InMemoryTenantKeyStore;
import dev.coffer.tck.KernelFixture;
import dev.coffer.tck.ManagerFixture;
import dev.coffer.tck.SecretManagerContract;
import dev.coffer.tink.root.RootKey;
import dev.coffer.tink.root.RootKeys;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the whole {@link SecretManagerContract} on the kernel with {@link TinkEnvelope} sealing
 * every value, under a local-keyset root key (one keyset file for the class; every test gets
 * fresh stores, so fresh tenant keys).
 */
class TinkSecretManagerContractTest extends SecretManagerContract {
    @TempDir
    static Path keyDir;
    private static RootKey root;

    @Override
    protected ManagerFixture createFixture() {
        return KernelFixture.over(new InMemorySecretStore(),
                TinkEnvelope.builder().rootKey(root()).tenantKeyStore(new InMemoryTenantKeyStore()).build(),
                new InMemoryAuditLog(), new InMemoryPolicyStore());
    }

    private static synchronized RootKey root() {
        if (root == null) {
            root = RootKeys.fromUri("local-keyset:" + keyDir.resolve("root-keyset.json"));
        }
        return root;
    }
}
