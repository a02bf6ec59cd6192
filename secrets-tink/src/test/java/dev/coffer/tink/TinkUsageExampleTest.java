package dev.coffer.tink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.kernel.StandardSecretManager;
import dev.coffer.spi.memory.InMemoryAuditLog;
import dev.coffer.spi.memory.InMemoryPolicyStore;
import dev.coffer.spi.memory.InMemorySecretStore;
import dev.coffer.spi.memory.InMemoryTenantKeyStore;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretContent;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.TenantKeyStore;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import dev.coffer.tink.root.RootKeys;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The README's "secrets-tink in ten lines", compiled and run so it cannot rot. */
@ExtendWith(NoValueLeaks.class)
class TinkUsageExampleTest {
    @TempDir
    Path dataDir;

    @Test
    void readmeUsage() {
        InMemoryPolicyStore policies = new InMemoryPolicyStore();
        policies.put("acme", Policy.allow("admin", List.of("user:admin"), List.of("secrets:*"), List.of("*")), BeforeCommit.none());

        // --- README: secrets-tink in ten lines ---
        TenantKeyStore tenantKeys = new InMemoryTenantKeyStore();   // a durable store in production
        TinkEnvelope envelope = TinkEnvelope.builder()
                .rootKey(RootKeys.fromUri("local-keyset:" + dataDir.resolve("root-keyset.json")))
                .tenantKeyStore(tenantKeys)
                .build();
        SecretManager manager = StandardSecretManager.builder()
                .secretStore(new InMemorySecretStore())
                .envelope(envelope)
                .auditLog(new InMemoryAuditLog())
                .policyStore(policies)
                .build();
        // --- end ---

        AccessContext ctx = AccessContext.of(Principal.of("user:admin", "acme"));
        Secret secret = manager.create(ctx, NewSecret.builder(SecretPath.parse("acme", "prod/db/password"), "payments").build());
        String text = TestValues.text();
        try (SecretValue value = SecretValue.ofUtf8(text)) {
            manager.addVersion(ctx, secret.id(), NewVersion.current(value));
        }
        try (SecretContent content = manager.read(ctx, secret.path(), VersionSelector.current())) {
            assertEquals(text, content.value().asUtf8());
        }
    }
}
