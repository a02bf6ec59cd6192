package dev.coffer.server.configsource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.config.CofferConfigException;
import dev.coffer.config.CofferConfigSource;
import dev.coffer.config.settings.Settings;
import dev.coffer.server.standalone.AdminBootstrap;
import dev.coffer.server.support.TestServer;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretRef;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.tck.support.Await;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Canary instances ({@code #next} mappings) over the remote transport against the real standalone
 * server: the server answers an unset {@code next} with the problem code {@code ALIAS_NOT_FOUND},
 * which the client maps back, and the cache serves {@code current} for it. The canary is set up
 * the way the rotation engine does it (a PENDING version, alias {@code next} moved onto it, then
 * the promotion), through the server's kernel.
 */
@ExtendWith(NoValueLeaks.class)
class CanaryConfigSourceServerTest {
    private static final AccessContext ADMIN = AccessContext.of(
            new Principal("user:admin", "default", Set.of(AdminBootstrap.ADMIN_GROUP), false, null));

    @TempDir
    Path dir;

    private final TestServer server = TestServer.start();
    private final SecretManager kernel = server.parts().manager();

    @AfterEach
    void stop() {
        server.close();
    }

    private CofferConfigSource source(String property, String target) throws IOException {
        server.allow(Policy.allow("read-app", List.of("user:app"), List.of("secrets:read"), List.of("*")));
        Path file = dir.resolve("token");
        Files.writeString(file, server.token("app"));
        return new CofferConfigSource(Settings.builder().url(server.base().toString()).tokenFile(file)
                .ttl(Duration.ofMillis(300)).jitter(Duration.ZERO).maxStale(Duration.ofMinutes(5))
                .startupTimeout(Duration.ofSeconds(3)).map(property, target).build());
    }

    private String create(String qualified, String value) {
        String id = kernel.create(ADMIN, NewSecret.builder(SecretPath.parse("default", qualified), "payments").build()).id();
        try (SecretValue v = SecretValue.ofUtf8(value)) {
            kernel.addVersion(ADMIN, id, NewVersion.current(v));
        }
        return id;
    }

    /** What the engine's create step does: the new value as a PENDING version, alias next on it. */
    private int startCanary(String id, String value) {
        int number;
        try (SecretValue v = SecretValue.ofUtf8(value)) {
            number = kernel.addVersion(ADMIN, id, NewVersion.pending(v)).number();
        }
        kernel.moveAlias(ADMIN, SecretRef.id(id), Aliases.NEXT, number, OptionalInt.empty());
        return number;
    }

    @Test
    void aRemoteNextMappingServesCurrentWhileNextIsUnsetAndThePendingValueDuringTheCanary() throws IOException {
        String old = TestValues.text();
        String pending = TestValues.text();
        String id = create("prod/canary/db-password", old);
        CofferConfigSource canary = source("db.password", "prod/canary/db-password#next");
        assertEquals(old, canary.getValue("db.password"), "next is not set yet: current is served");
        assertTrue(canary.stats().nextFallbacks() >= 1, canary.stats().toString());

        int number = startCanary(id, pending);
        Await.until("the pending value is served", () -> pending.equals(canary.getValue("db.password")));

        long fallbacks = canary.stats().nextFallbacks();
        kernel.promote(ADMIN, id, number, OptionalInt.of(number - 1)); // clears next
        Await.until("the fallback to the promoted current", () -> canary.stats().nextFallbacks() > fallbacks);
        assertEquals(pending, canary.getValue("db.password"), "after promotion the new value stays served");
        assertEquals(0, canary.stats().revocations());
    }

    @Test
    void aRemoteNextMappingWhoseNextVersionIsDisabledFailsClosed() throws IOException {
        String id = create("prod/canary/api-key", TestValues.text());
        int number = startCanary(id, TestValues.text());
        CofferConfigSource canary = source("api.key", "prod/canary/api-key#next");
        long fallbacks = canary.stats().nextFallbacks();
        kernel.disable(ADMIN, SecretRef.id(id), number);
        Await.until("the revocation", () -> canary.stats().revocations() == 1);
        CofferConfigException e = assertThrows(CofferConfigException.class, () -> canary.getValue("api.key"));
        assertEquals(ErrorCode.VERSION_DISABLED, e.code());
        assertEquals(fallbacks, canary.stats().nextFallbacks(), "no fallback to current");
        NoValueLeaks.assertNoValueIn(e);
    }
}
