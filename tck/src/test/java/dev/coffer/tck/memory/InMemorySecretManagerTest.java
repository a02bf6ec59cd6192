package dev.coffer.tck.memory;

import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.kernel.StandardSecretManager;
import dev.coffer.spi.memory.InMemoryAuditLog;
import dev.coffer.spi.memory.InMemoryPolicyStore;
import dev.coffer.spi.memory.InMemorySecretStore;
import dev.coffer.spi.memory.InMemoryTenantKeyStore;
import dev.coffer.spi.memory.JdkEnvelope;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.tck.ManagerFixture;
import dev.coffer.tck.SecretManagerContract;
import dev.coffer.tck.support.MutableClock;
import dev.coffer.tck.support.SwitchableAuditLog;
import java.util.List;
import java.util.Optional;

/**
 * Runs {@link SecretManagerContract} against the kernel over the in-memory reference parts, with
 * a movable clock and an audit log that can be made to fail.
 */
class InMemorySecretManagerTest extends SecretManagerContract {
    private static final String TENANT = "tck";

    @Override
    protected ManagerFixture createFixture() {
        return new InMemoryFixture();
    }

    /** Fresh in-memory parts per test; the admin policy is installed straight into the policy store. */
    private static final class InMemoryFixture implements ManagerFixture {
        private final MutableClock clock = MutableClock.startingAt2030();
        private final SwitchableAuditLog auditLog = new SwitchableAuditLog(new InMemoryAuditLog());
        private final SecretManager manager;

        InMemoryFixture() {
            InMemoryPolicyStore policyStore = new InMemoryPolicyStore();
            policyStore.put(TENANT, Policy.allow("tck-admin", List.of("user:admin"), List.of("secrets:*"), List.of("*")),
                    BeforeCommit.none());
            manager = StandardSecretManager.builder()
                    .secretStore(new InMemorySecretStore())
                    .envelope(new JdkEnvelope(new InMemoryTenantKeyStore()))
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
