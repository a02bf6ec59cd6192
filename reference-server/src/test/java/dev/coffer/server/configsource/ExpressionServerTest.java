package dev.coffer.server.configsource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.config.cache.CacheRegistry;
import dev.coffer.server.standalone.AdminBootstrap;
import dev.coffer.server.support.TestServer;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.tck.support.Await;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ${coffer::...}} expressions with the handler SmallRye discovers through
 * {@code META-INF/services} (as Quarkus and {@code ConfigProvider.getConfig()} on SmallRye 3.13 do),
 * over the remote transport against the real standalone server (RS256 token from a file).
 */
@ExtendWith(NoValueLeaks.class)
class ExpressionServerTest {
    private static final AccessContext ADMIN = AccessContext.of(
            new Principal("user:admin", "default", Set.of(AdminBootstrap.ADMIN_GROUP), false, null));

    @TempDir
    Path dir;

    private final TestServer server = TestServer.start();
    private final SecretManager kernel = server.parts().manager();

    @AfterEach
    void stop() {
        CacheRegistry.closeAll();
        server.close();
    }

    private SmallRyeConfig config(String... properties) throws IOException {
        server.allow(Policy.allow("read-app", List.of("user:app"), List.of("secrets:read"), List.of("prod/payments/*")));
        Path token = dir.resolve("token");
        Files.writeString(token, server.token("app"));
        Map<String, String> p = new HashMap<>(Map.of("coffer.url", server.base().toString(), "coffer.token-file", token.toString(),
                "coffer.cache.ttl", "300ms", "coffer.cache.jitter", "0s", "coffer.cache.max-stale", "10m"));
        for (int i = 0; i < properties.length; i += 2) {
            p.put(properties[i], properties[i + 1]);
        }
        return new SmallRyeConfigBuilder().addDefaultInterceptors().addDiscoveredSecretKeysHandlers()
                .withSources(new PropertiesConfigSource(p, "application.properties", 100)).build();
    }

    private String create(String qualified, String value) {
        String id = kernel.create(ADMIN, NewSecret.builder(SecretPath.parse("default", qualified), "payments").build()).id();
        try (SecretValue v = SecretValue.ofUtf8(value)) {
            kernel.addVersion(ADMIN, id, NewVersion.current(v));
        }
        return id;
    }

    @Test
    void aDiscoveredHandlerResolvesAnExpressionFromTheServerAndARevocationStopsIt() throws IOException {
        String value = TestValues.text();
        String id = create("prod/payments/db-password", value);
        SmallRyeConfig config = config("db.url", "jdbc:postgresql://db/payments?password=${coffer::prod/payments/db-password}");
        assertEquals("jdbc:postgresql://db/payments?password=" + value, config.getValue("db.url", String.class));

        kernel.scheduleDeletion(ADMIN, id);
        Await.until("the revocation is served", () -> Await.throwsNow(() -> config.getValue("db.url", String.class)));
        RuntimeException e = assertThrows(RuntimeException.class, () -> config.getValue("db.url", String.class));
        assertTrue(e.getMessage().contains("SECRET_PENDING_DELETION") && e.getMessage().contains("prod/payments/db-password"),
                e.getMessage());
        NoValueLeaks.assertNoValueIn(e);
    }

    @Test
    void aForbiddenReferenceFailsNamingThePath() throws IOException {
        create("prod/billing/key", TestValues.text());
        SmallRyeConfig config = config("billing.key", "${coffer::prod/billing/key}");
        RuntimeException e = assertThrows(RuntimeException.class, () -> config.getValue("billing.key", String.class));
        assertTrue(e.getMessage().contains("ACCESS_DENIED") && e.getMessage().contains("prod/billing/key"), e.getMessage());
        NoValueLeaks.assertNoValueIn(e);
    }
}
