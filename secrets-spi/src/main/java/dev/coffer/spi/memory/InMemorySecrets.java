package dev.coffer.spi.memory;

import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.kernel.StandardSecretManager;
import dev.coffer.spi.store.BeforeCommit;
import java.time.Clock;

/**
 * A complete in-memory Coffer: the kernel over in-memory parts, for unit tests and demos. Values
 * are sealed with an ephemeral AES-GCM key and vanish with the JVM.
 *
 * <pre>{@code
 * InMemorySecrets secrets = InMemorySecrets.create();
 * secrets.bootstrap("acme", Policy.allow("admin", List.of("user:admin"), List.of("secrets:*"), List.of("*")));
 * SecretManager manager = secrets.manager();
 * }</pre>
 */
public final class InMemorySecrets {
    private final InMemorySecretStore store = new InMemorySecretStore();
    private final InMemoryTenantKeyStore tenantKeys = new InMemoryTenantKeyStore();
    private final InMemoryAuditLog auditLog = new InMemoryAuditLog();
    private final InMemoryPolicyStore policyStore = new InMemoryPolicyStore();
    private final JdkEnvelope envelope = new JdkEnvelope(tenantKeys);
    private final StandardSecretManager manager;

    private InMemorySecrets(Clock clock) {
        this.manager = StandardSecretManager.builder()
                .secretStore(store)
                .envelope(envelope)
                .auditLog(auditLog)
                .policyStore(policyStore)
                .clock(clock)
                .build();
    }

    /** An empty instance on the system clock. */
    public static InMemorySecrets create() {
        return new InMemorySecrets(Clock.systemUTC());
    }

    /** An empty instance on {@code clock}. */
    public static InMemorySecrets create(Clock clock) {
        return new InMemorySecrets(clock);
    }

    /**
     * Installs policies directly in the policy store, bypassing authorization: how the first
     * administrator comes to exist. Not audited, like any out-of-band bootstrap.
     */
    public InMemorySecrets bootstrap(String tenant, Policy... policies) {
        for (Policy policy : policies) {
            policyStore.put(tenant, policy, BeforeCommit.none());
        }
        return this;
    }

    /** The manager over these parts. */
    public SecretManager manager() {
        return manager;
    }

    public InMemorySecretStore secretStore() {
        return store;
    }

    public InMemoryTenantKeyStore tenantKeyStore() {
        return tenantKeys;
    }

    public InMemoryAuditLog auditLog() {
        return auditLog;
    }

    public InMemoryPolicyStore policyStore() {
        return policyStore;
    }

    public JdkEnvelope envelope() {
        return envelope;
    }
}
