package dev.coffer.server.configsource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.config.CofferConfigException;
import dev.coffer.config.CofferConfigSource;
import dev.coffer.config.settings.Bootstrap;
import dev.coffer.config.settings.Settings;
import dev.coffer.server.standalone.AdminBootstrap;
import dev.coffer.server.support.TestServer;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.SecretVersion;
import dev.coffer.tck.support.Await;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ConfigSource's remote transport on SmallRye Config against the real standalone server (real
 * RS256 tokens read from a token file). Short durations, waits by polling with a deadline.
 */
@ExtendWith(NoValueLeaks.class)
class ConfigSourceServerTest {
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

    private Path tokenFile(String subject) throws IOException {
        server.allow(Policy.allow("read-" + subject, List.of("user:" + subject), List.of("secrets:read"), List.of("*")));
        Path file = dir.resolve("token");
        Files.writeString(file, server.token(subject));
        return file;
    }

    private Settings.Builder settings(Path tokenFile) {
        return Settings.builder().url(server.base().toString()).tokenFile(tokenFile)
                .ttl(Duration.ofMillis(300)).jitter(Duration.ZERO).maxStale(Duration.ofSeconds(2))
                .startupTimeout(Duration.ofSeconds(3));
    }

    private static SmallRyeConfig config(CofferConfigSource source) {
        return new SmallRyeConfigBuilder().withSources(source).build();
    }

    private String create(String qualified, String value) {
        String id = kernel.create(ADMIN, NewSecret.builder(SecretPath.parse("default", qualified), "payments").build()).id();
        try (SecretValue v = SecretValue.ofUtf8(value)) {
            kernel.addVersion(ADMIN, id, NewVersion.current(v));
        }
        return id;
    }

    private void rotate(String id, String value) {
        SecretVersion added;
        try (SecretValue v = SecretValue.ofUtf8(value)) {
            added = kernel.addVersion(ADMIN, id, NewVersion.pending(v));
        }
        kernel.promote(ADMIN, id, added.number(), OptionalInt.of(added.number() - 1));
    }

    @Test
    void readsAMappedSecretFromTheServer() throws IOException {
        String value = TestValues.text();
        create("prod/payments/db-password", value);
        CofferConfigSource source = new CofferConfigSource(settings(tokenFile("app")).map("db.password", "prod/payments/db-password").build());
        SmallRyeConfig config = config(source);
        assertEquals(value, config.getValue("db.password", String.class));
        assertTrue(config.getOptionalValue("other", String.class).isEmpty());
    }

    @Test
    void rotationIsPickedUpAfterTtl() throws IOException {
        String v1 = TestValues.text();
        String v2 = TestValues.text();
        String id = create("prod/db", v1);
        SmallRyeConfig config = config(new CofferConfigSource(settings(tokenFile("app")).map("db", "prod/db").build()));
        assertEquals(v1, config.getValue("db", String.class));
        rotate(id, v2);
        Await.until("the rotated value", () -> v2.equals(config.getValue("db", String.class)));
    }

    @Test
    void stoppedServerIsServedStaleThenFailsAfterMaxStale() throws IOException {
        String value = TestValues.text();
        create("prod/db", value);
        CofferConfigSource source = new CofferConfigSource(settings(tokenFile("app")).map("db", "prod/db").build());
        SmallRyeConfig config = config(source);
        assertEquals(value, config.getValue("db", String.class));

        server.close();
        Await.until("a stale serve", () -> {
            assertEquals(value, config.getValue("db", String.class));
            return source.stats().staleServes() > 0;
        });
        Await.until("max-stale passes", () -> Await.throwsNow(() -> config.getValue("db", String.class)));
        CofferConfigException e = assertThrows(CofferConfigException.class, () -> config.getValue("db", String.class));
        assertEquals(ErrorCode.STORE_UNAVAILABLE, e.code());
        assertTrue(e.getMessage().contains("property 'db' (prod/db#current)"), e.getMessage());
        assertTrue(source.stats().refreshFailures() > 0);
        assertEquals(0, source.stats().revocations());
        NoValueLeaks.assertNoValueIn(e);
    }

    @Test
    void disabledVersionFailsClosedAtTheNextRefresh() throws IOException {
        String id = create("prod/db", TestValues.text());
        rotate(id, TestValues.text());
        assertRevokedAfter(settings(tokenFile("app")).maxStale(Duration.ofMinutes(10)).map("db", "prod/db@1"),
                () -> kernel.disable(ADMIN, id, 1), ErrorCode.VERSION_DISABLED);
    }

    @Test
    void destroyedVersionFailsClosedAtTheNextRefresh() throws IOException {
        String id = create("prod/db", TestValues.text());
        rotate(id, TestValues.text());
        assertRevokedAfter(settings(tokenFile("app")).maxStale(Duration.ofMinutes(10)).map("db", "prod/db@1"),
                () -> kernel.destroy(ADMIN, id, 1), ErrorCode.VERSION_DESTROYED);
    }

    @Test
    void deletedSecretFailsClosedAtTheNextRefresh() throws IOException {
        String id = create("prod/db", TestValues.text());
        assertRevokedAfter(settings(tokenFile("app")).maxStale(Duration.ofMinutes(10)).map("db", "prod/db"),
                () -> kernel.scheduleDeletion(ADMIN, id), ErrorCode.SECRET_PENDING_DELETION);
    }

    @Test
    void revokedAccessFailsClosedAtTheNextRefresh() throws IOException {
        create("prod/db", TestValues.text());
        assertRevokedAfter(settings(tokenFile("app")).maxStale(Duration.ofMinutes(10)).map("db", "prod/db"),
                () -> kernel.deletePolicy(ADMIN, "read-app"), ErrorCode.ACCESS_DENIED);
    }

    private void assertRevokedAfter(Settings.Builder settings, Runnable revoke, ErrorCode code) {
        CofferConfigSource source = new CofferConfigSource(settings.build());
        SmallRyeConfig config = config(source);
        config.getValue("db", String.class);
        revoke.run();
        Await.until("the revocation", () -> source.stats().revocations() == 1);
        CofferConfigException e = assertThrows(CofferConfigException.class, () -> config.getValue("db", String.class));
        assertEquals(code, e.code());
        assertTrue(e.getMessage().contains("property 'db' (prod/db") && e.getMessage().contains(code.name()), e.getMessage());
        NoValueLeaks.assertNoValueIn(e);
    }

    @Test
    void rotatedTokenFileIsPickedUpBeforeTheOldTokenLosesAccess() throws IOException {
        String value = TestValues.text();
        create("prod/db", value);
        Path file = tokenFile("app-old");
        CofferConfigSource source = new CofferConfigSource(settings(file).maxStale(Duration.ofMinutes(10)).map("db", "prod/db").build());
        SmallRyeConfig config = config(source);
        assertEquals(value, config.getValue("db", String.class));

        // The projected token is replaced by one for a new identity, then the old identity loses access.
        Path next = dir.resolve("token.next");
        server.allow(Policy.allow("read-app-new", List.of("user:app-new"), List.of("secrets:read"), List.of("*")));
        Files.writeString(next, server.token("app-new"));
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        kernel.deletePolicy(ADMIN, "read-app-old");

        long refreshes = source.stats().refreshes();
        Await.until("three refreshes with the new token", () -> source.stats().refreshes() >= refreshes + 3);
        assertEquals(0, source.stats().revocations());
        assertEquals(value, config.getValue("db", String.class));
    }

    @Test
    void garbageTokenIsReReadOnceAfter401() throws IOException {
        String value = TestValues.text();
        create("prod/db", value);
        Path file = tokenFile("app");
        String good = Files.readString(file);
        CofferConfigSource source = new CofferConfigSource(settings(file).maxStale(Duration.ofMinutes(10)).map("db", "prod/db").build());
        // A token the server rejects: every refresh gets 401 even after re-reading, so access counts as revoked.
        Files.writeString(file, "not-a-token");
        Await.until("the revocation", () -> source.stats().revocations() == 1);
        CofferConfigException e = assertThrows(CofferConfigException.class, () -> source.getValue("db"));
        assertEquals(ErrorCode.UNAUTHENTICATED, e.code());
        // A valid token again: the source recovers.
        Files.writeString(file, good);
        Await.until("recovery", () -> !Await.throwsNow(() -> source.getValue("db")));
        assertEquals(value, source.getValue("db"));
    }

    @Test
    void startupFailureNamesPropertyAndPath() throws IOException {
        create("prod/present", TestValues.text());
        CofferConfigException e = assertThrows(CofferConfigException.class, () -> new CofferConfigSource(
                settings(tokenFile("app")).map("db.password", "prod/payments/absent").map("ok", "prod/present").build()));
        assertTrue(e.getMessage().startsWith("Coffer ConfigSource cannot start: 1 required secret(s) could not be fetched"), e.getMessage());
        assertTrue(e.getMessage().contains("property 'db.password' (prod/payments/absent#current): SECRET_NOT_FOUND"), e.getMessage());
    }

    @Test
    void startupAgainstAStoppedServerRetriesThenNamesPropertyAndPath() throws IOException {
        Path file = tokenFile("app");
        Settings settings = settings(file).startupTimeout(Duration.ofSeconds(1)).map("db.password", "prod/db").build();
        server.close();
        CofferConfigException e = assertThrows(CofferConfigException.class, () -> new CofferConfigSource(settings));
        assertEquals(ErrorCode.STORE_UNAVAILABLE, e.code());
        assertTrue(e.getMessage().contains("property 'db.password' (prod/db#current): STORE_UNAVAILABLE"), e.getMessage());
    }


    private static List<LogRecord> logsOf(Runnable action) {
        Logger log = Logger.getLogger("dev.coffer.config");
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        log.addHandler(handler);
        try {
            action.run();
        } finally {
            log.removeHandler(handler);
        }
        return records;
    }

    @Test
    void startupLogNamesTheServerThePrincipalAndWhereEachSettingCameFromButNoToken() throws IOException {
        String value = TestValues.text();
        create("prod/startup/report", value);
        Path token = tokenFile("startup-reader");
        Bootstrap sources = new Bootstrap(Map.of("coffer.cache.ttl", "5m"),
                Map.of("COFFER_URL", server.base().toString(), "COFFER_MAP_STARTUP_REPORT", "prod/startup/report"),
                List.of(Map.of("coffer.token-file", token.toString())));
        List<LogRecord> records = logsOf(() -> assertEquals(value, new CofferConfigSource(sources).getValue("startup.report")));
        List<String> reports = records.stream().map(LogRecord::getMessage).filter(m -> m.startsWith("Coffer ConfigSource reads")).toList();
        assertEquals(1, reports.size(), records.toString());
        String line = reports.get(0);
        assertTrue(line.contains("from " + server.base() + " (from environment variable COFFER_URL)"), line);
        assertTrue(line.contains("principal 'startup-reader' in tenant 'default'"), line);
        assertTrue(line.contains("token file " + token + " (from META-INF/microprofile-config.properties #1)"), line);
        String tokenText = Files.readString(token).trim();
        for (LogRecord r : records) {
            assertTrue(!r.getMessage().contains(tokenText) && !r.getMessage().contains(tokenText.split("\\.")[1]), "no token in " + r.getMessage());
            assertTrue(!r.getMessage().contains(value));
        }
    }

    @Test
    void anAdministratorsTokenIsReportedAsAWarning() throws IOException {
        create("prod/startup/admin", TestValues.text());
        Path token = dir.resolve("admin.token");
        Files.writeString(token, server.adminToken);
        Bootstrap sources = new Bootstrap(Map.of(), Map.of("COFFER_URL", server.base().toString(),
                "COFFER_TOKEN_FILE", token.toString(), "COFFER_MAP_STARTUP_ADMIN", "prod/startup/admin"), List.of());
        List<LogRecord> records = logsOf(() -> new CofferConfigSource(sources).getValue("startup.admin"));
        LogRecord warning = records.stream().filter(r -> r.getLevel() == Level.WARNING && r.getMessage().contains("coffer-admins"))
                .findFirst().orElseThrow(() -> new AssertionError(records.toString()));
        assertTrue(warning.getMessage().contains("(from environment variable COFFER_TOKEN_FILE)"), warning.getMessage());
        assertTrue(!warning.getMessage().contains(server.adminToken));
    }
}
