package dev.coffer.spi.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretContent;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.VersionSelector;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's "Using the API in tests" example, kept compiling and passing. */
class InMemorySecretsExampleTest {
    @Test
    void readmeExampleCreatesWritesAndReadsASecret() {
        InMemorySecrets secrets = InMemorySecrets.create();
        Principal admin = Principal.of("user:admin", "acme");
        secrets.bootstrap("acme", Policy.allow("admin", List.of("user:admin"), List.of("secrets:*"), List.of("*")));
        SecretManager manager = secrets.manager();

        AccessContext ctx = AccessContext.of(admin);
        Secret secret = manager.create(ctx, NewSecret.builder(SecretPath.parse("acme", "prod/db/password"), "payments").build());
        try (SecretValue value = SecretValue.ofUtf8("s3cr3t")) {
            manager.addVersion(ctx, secret.id(), NewVersion.current(value));
        }
        try (SecretContent content = manager.read(ctx, secret.path(), VersionSelector.current())) {
            assertEquals("s3cr3t", content.value().asUtf8());
            assertEquals(1, content.version());
        }
    }
}
