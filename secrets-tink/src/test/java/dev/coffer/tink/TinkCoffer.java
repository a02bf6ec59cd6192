package dev.coffer.tink;

import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.kernel.StandardSecretManager;
import dev.coffer.spi.memory.InMemoryAuditLog;
import dev.coffer.spi.memory.InMemoryPolicyStore;
import dev.coffer.spi.memory.InMemorySecretStore;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretContent;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.TenantKeyStore;
import dev.coffer.tink.root.RootKey;
import java.util.List;

/** A whole Coffer for tests: the kernel over in-memory stores and a {@link TinkEnvelope}. */
final class TinkCoffer {
    static final String TENANT = "acme";

    final InMemorySecretStore store = new InMemorySecretStore();
    final TinkEnvelope envelope;
    final SecretManager manager;
    final AccessContext admin = AccessContext.of(Principal.of("user:admin", TENANT));

    TinkCoffer(RootKey root, TenantKeyStore tenantKeys) {
        this(TinkEnvelope.builder().rootKey(root).tenantKeyStore(tenantKeys).build());
    }

    TinkCoffer(TinkEnvelope envelope) {
        this.envelope = envelope;
        InMemoryPolicyStore policies = new InMemoryPolicyStore();
        policies.put(TENANT, Policy.allow("admin", List.of("user:admin"), List.of("secrets:*"), List.of("*")), BeforeCommit.none());
        this.manager = StandardSecretManager.builder()
                .secretStore(store)
                .envelope(envelope)
                .auditLog(new InMemoryAuditLog())
                .policyStore(policies)
                .build();
    }

    Secret create(String environmentAndPath) {
        return manager.create(admin, NewSecret.builder(SecretPath.parse(TENANT, environmentAndPath), "platform").build());
    }

    int addCurrent(Secret secret, String text) {
        try (SecretValue value = SecretValue.ofUtf8(text)) {
            return manager.addVersion(admin, secret.id(), NewVersion.current(value)).number();
        }
    }

    String read(Secret secret, int version) {
        try (SecretContent content = manager.read(admin, secret.path(), VersionSelector.number(version))) {
            return content.value().asUtf8();
        }
    }
}
