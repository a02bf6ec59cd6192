package dev.coffer.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coffer.jdbi.testing.TestDatabase;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.kernel.StandardSecretManager;
import dev.coffer.spi.audit.AuditAnchor;
import dev.coffer.spi.audit.AuditKeys;
import dev.coffer.spi.memory.InMemoryAuditAnchor;
import dev.coffer.spi.memory.JdkEnvelope;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretContent;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.store.BeforeCommit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's "usage in ten lines", compiled and run so that it never rots. */
class UsageExampleTest {

    @Test
    void readmeExampleRuns() throws Exception {
        Path dir = Files.createTempDirectory("coffer-usage");
        AuditKeys auditKeys = AuditKeys.random();          // in production: DerivedKeys (secrets-tink), under the root key
        AuditAnchor checkpoints = new InMemoryAuditAnchor(); // in production: a file outside the database
        try {
            // --- README: secrets-jdbi usage in ten lines
            AuditProtection audit = AuditProtection.of(auditKeys, checkpoints);                // keys held outside the database
            try (CofferDatabase db = CofferDatabase.open(DatabaseConfig.h2File(dir), audit)) { // or DatabaseConfig.builder("jdbc:postgresql://...")
                db.policyStore().put("acme", Policy.allow("admin", List.of("user:admin"), List.of("secrets:*"), List.of("*")),
                        BeforeCommit.none());                                            // bootstrap, out of band
                SecretManager manager = StandardSecretManager.builder()
                        .secretStore(db.secretStore()).policyStore(db.policyStore()).auditLog(db.auditLog())
                        .envelope(new JdkEnvelope(db.tenantKeyStore()))                  // TinkEnvelope in production
                        .build();
                AccessContext admin = AccessContext.of(Principal.of("user:admin", "acme"));
                Secret secret = manager.create(admin, NewSecret.builder(SecretPath.parse("acme", "prod/db/password"), "payments").build());
                manager.addVersion(admin, secret.id(), NewVersion.current(SecretValue.ofUtf8("s3cr3t")));
                try (SecretContent content = manager.read(admin, secret.path(), VersionSelector.current())) {
                    assertEquals("s3cr3t", content.value().asUtf8());
                }
            }
            // --- end
        } finally {
            TestDatabase.deleteTree(dir);
        }
    }
}
