package dev.coffer.tink;

import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.kernel.StandardSecretManager;
import dev.coffer.spi.memory.InMemoryAuditLog;
import dev.coffer.spi.memory.InMemoryPolicyStore;
import dev.coffer.spi.memory.InMemorySecretStore;
import dev.coffer.spi.memory.InMemoryTenantKeyStore;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.tck.ManagerFixture;
import dev.coffer.tck.SecretManagerContract;
import dev.coffer.tck.support.MutableClock;
import dev.coffer.tck.support.SwitchableAuditLog;
import dev.coffer.tink.root.RootKey;
import dev.coffer.tink.root.RootKeys;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the whole {@link SecretManagerContract} on the kernel with {@link TinkEnvelope} sealing
 * every value, under a local-keyset root key (one keyset file for the class; every test gets
 * fresh stores, so fresh tenant keys).
 */
class TinkSecretManagerContractTest extends SecretManagerContract {
    private static final String TENANT = "tck";

    @TempDir
    static Path keyDir;
    private static RootKey root;

    @Override
    protected ManagerFixture createFixture() {
        return new TinkFixture(root());
    }

    private static synchronized RootKey root() {
        if (root == null) {
            root = RootKeys.fromUri("local-keyset:" + keyDir.resolve("root-keyset.json"));
        }
        return root;
    }

    /** Fresh in-memory stores per test, sealed by a Tink envelope; the admin policy is installed out of band. */
    private static final class TinkFixture implements ManagerFixture {
        private final MutableClock clock = MutableClock.startingAt2030();
        private final SwitchableAuditLog auditLog = new SwitchableAuditLog(new InMemoryAuditLog());
        private final SecretManager manager;

        TinkFixture(RootKey root) {
            InMemoryPolicyStore policyStore = new InMemoryPolicyStore();
            policyStore.put(TENANT, Policy.allow("tck-admin", List.of("user:admin"), List.of("secrets:*"), List.of("*")),
                    BeforeCommit.none());
            manager = StandardSecretManager.builder()
                    .secretStore(new InMemorySecretStore())
                    .envelope(TinkEnvelope.builder().rootKey(root).tenantKeyStore(new InMemoryTenantKeyStore()).build())
                    .auditLog(auditLog)
                    .policyStore(policyStore)
                    .clock(clock)
                    .build();
        }

        @Override
        public SecretManager manager() {
            return manager;
        }

        @Override
        public String tenant() {
            return TENANT;
        }

        @Override
        public AccessContext admin() {
            return AccessContext.of(Principal.of("user:admin", TENANT));
        }

        @Override
        public Optional<MutableClock> clock() {
            return Optional.of(clock);
        }

        @Override
        public Optional<AuditOutage> auditOutage() {
            return Optional.of(auditLog);
        }
    }
}
