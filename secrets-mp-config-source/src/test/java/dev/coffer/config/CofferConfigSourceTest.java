package dev.coffer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.config.settings.Bootstrap;
import dev.coffer.config.settings.Settings;
import dev.coffer.config.support.Embedded;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.tck.support.Await;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The ConfigSource on SmallRye Config over the embedded transport (real in-memory kernel). */
@ExtendWith(NoValueLeaks.class)
class CofferConfigSourceTest {
    private final Embedded coffer = new Embedded();

    // TTL rules and fetch counts: the change stream is off here (its refresh on opening adds a read);
    // WatchingCacheTest and EmbeddedWatchTest cover the cache on the stream.
    private static Settings.Builder fast() {
        return Settings.builder().url(Settings.EMBEDDED).watch(false)
                .ttl(Duration.ofMillis(200)).jitter(Duration.ZERO).maxStale(Duration.ofSeconds(1))
                .startupTimeout(Duration.ofSeconds(2));
    }

    private static SmallRyeConfig config(CofferConfigSource source) {
        return new SmallRyeConfigBuilder().withSources(source).build();
    }

    @Test
    void aMappingWithAnInlineCommentFailsTheSourceSayingSoWithoutTheValue() {
        // As a microprofile-config.properties line: coffer.map.db=prod/db  # s3cr3t-looking note
        Bootstrap sources = new Bootstrap(Map.of(), Map.of(), List.of(Map.of(
                "coffer.url", "embedded", "coffer.map.db", "prod/db  # s3cr3t-looking note")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CofferConfigSource(sources));
        assertTrue(e.getMessage().startsWith("coffer.map.db (from META-INF/microprofile-config.properties #1) holds ' #':"
                + " this looks like an inline comment"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t") || e.getMessage().contains("prod/db"), e.getMessage());
    }

    @Test
    void mappedPropertyIsReadThroughMicroProfileConfig() {
        String value = TestValues.text();
        coffer.create("prod/payments/db-password", value);
        CofferConfigSource source = new CofferConfigSource(fast().map("db.password", "prod/payments/db-password").build(), coffer);
        SmallRyeConfig config = config(source);

        assertEquals(value, config.getValue("db.password", String.class));
        assertEquals(Optional.of(value), config.getOptionalValue("db.password", String.class));
        assertTrue(source.stats().hits() >= 1);
        assertEquals(1, source.stats().misses());
    }

    @Test
    void versionAndAliasMappingsReadThoseVersions() {
        String v1 = TestValues.text();
        String v2 = TestValues.text();
        String id = coffer.create("prod/api-key", v1);
        coffer.rotate(id, v2);
        CofferConfigSource source = new CofferConfigSource(fast()
                .map("key.now", "prod/api-key").map("key.first", "prod/api-key@1").map("key.before", "prod/api-key#previous")
                .build(), coffer);
        assertEquals(v2, source.getValue("key.now"));
        assertEquals(v1, source.getValue("key.first"));
        assertEquals(v1, source.getValue("key.before"));
    }

    @Test
    void unknownNamesAreAnsweredWithoutACall() {
        coffer.create("prod/db", TestValues.text());
        CofferConfigSource source = new CofferConfigSource(fast().ttl(Duration.ofMinutes(10)).map("db", "prod/db").build(), coffer);
        int before = coffer.reads.get();
        SmallRyeConfig config = config(source);
        for (int i = 0; i < 100; i++) {
            assertNull(source.getValue("not.mapped." + i));
        }
        assertTrue(config.getOptionalValue("nothing.here", String.class).isEmpty());
        assertEquals(before, coffer.reads.get());
        assertEquals(0, coffer.lists.get());
    }

    @Test
    void propertyNamesAreListedWithoutReadingValues() {
        coffer.create("prod/db", TestValues.text());
        CofferConfigSource source = new CofferConfigSource(fast().ttl(Duration.ofMinutes(10)).map("db.password", "prod/db").build(), coffer);
        CofferStats before = source.stats();
        assertEquals(java.util.Set.of("db.password"), source.getPropertyNames());
        assertEquals(before, source.stats());
    }

    @Test
    void getPropertiesPrintsNamesOnly() {
        String value = TestValues.text();
        coffer.create("prod/db", value);
        CofferConfigSource source = new CofferConfigSource(fast().map("db.password", "prod/db").build(), coffer);
        Map<String, String> properties = source.getProperties();
        assertEquals(value, properties.get("db.password"));
        assertEquals("{db.password=<redacted>}", properties.toString());
        assertEquals("db.password=<redacted>", properties.entrySet().iterator().next().toString());
        assertFalse(source.toString().contains(value));
        java.util.logging.Logger.getLogger("test").info("properties: " + properties + " source: " + source);
    }

    @Test
    void aClosedSourceStopsRefreshingWhileAnOpenOneGoesOn() {
        coffer.create("prod/closed", TestValues.text());
        coffer.create("prod/open", TestValues.text());
        CofferConfigSource closed = new CofferConfigSource(fast().map("closed", "prod/closed").build(), coffer);
        CofferConfigSource open = new CofferConfigSource(fast().map("open", "prod/open").build(), coffer);

        closed.close();
        closed.close(); // idempotent
        long refreshesAtClose = closed.stats().refreshes();
        long openAtClose = open.stats().refreshes();
        // The open source's refreshes are the clock: three of its TTLs pass, and the closed one makes none.
        Await.until("the open source refreshes", () -> open.stats().refreshes() >= openAtClose + 3);

        assertEquals(refreshesAtClose, closed.stats().refreshes(), "a closed source refreshes nothing");
        open.close();
    }

    @Test
    void closeAllStopsEverySourceOfTheClassLoaderEvenWhenSeveralShareACache() {
        coffer.create("prod/shared", TestValues.text());
        coffer.create("prod/later", TestValues.text());
        Settings shared = fast().map("shared", "prod/shared").build();
        // As a MicroProfile Config implementation may: two sources of the same settings, one cache.
        CofferConfigSource first = new CofferConfigSource(shared, coffer);
        CofferConfigSource second = new CofferConfigSource(shared, coffer);

        CofferConfigSource.closeAll();
        long refreshesAtClose = first.stats().refreshes();
        CofferConfigSource later = new CofferConfigSource(fast().map("later", "prod/later").build(), coffer);
        long laterAtStart = later.stats().refreshes();
        Await.until("a source made afterwards refreshes", () -> later.stats().refreshes() >= laterAtStart + 3);

        assertEquals(refreshesAtClose, first.stats().refreshes(), "the closed cache refreshes nothing");
        assertEquals(refreshesAtClose, second.stats().refreshes());
        later.close();
    }

    @Test
    void rotationIsPickedUpAfterTtl() {
        String v1 = TestValues.text();
        String v2 = TestValues.text();
        String id = coffer.create("prod/db", v1);
        CofferConfigSource source = new CofferConfigSource(fast().map("db", "prod/db").build(), coffer);
        SmallRyeConfig config = config(source);
        assertEquals(v1, config.getValue("db", String.class));

        coffer.rotate(id, v2);
        Await.until("the new version is served", () -> v2.equals(config.getValue("db", String.class)));
        assertTrue(source.stats().refreshes() >= 1);
    }

    @Test
    void outageServesStaleThenFailsAfterMaxStaleThenRecovers() {
        String value = TestValues.text();
        coffer.create("prod/db", value);
        CofferConfigSource source = new CofferConfigSource(fast().map("db", "prod/db").build(), coffer);
        SmallRyeConfig config = config(source);

        coffer.outage(true);
        Await.until("a stale serve", () -> {
            assertEquals(value, config.getValue("db", String.class));
            return source.stats().staleServes() > 0;
        });
        assertTrue(source.stats().refreshFailures() > 0);
        Await.until("max-stale passes", () -> Await.throwsNow(() -> config.getValue("db", String.class)));
        CofferConfigException e = assertThrows(CofferConfigException.class, () -> config.getValue("db", String.class));
        assertEquals(ErrorCode.STORE_UNAVAILABLE, e.code());
        assertTrue(e.getMessage().contains("'db'") && e.getMessage().contains("prod/db"), e.getMessage());
        NoValueLeaks.assertNoValueIn(e);

        coffer.outage(false);
        Await.until("recovery", () -> !Await.throwsNow(() -> config.getValue("db", String.class)));
        assertEquals(value, config.getValue("db", String.class));
    }

    @Test
    void aHungServerCannotKeepAValueServedPastMaxStale() {
        String value = TestValues.text();
        coffer.create("prod/db", value);
        CofferConfigSource source = new CofferConfigSource(fast().map("db", "prod/db").build(), coffer);
        SmallRyeConfig config = config(source);

        coffer.hang(true); // the next refresh is accepted and never answered
        try {
            Await.until("a stale serve while the refresh hangs", () -> {
                assertEquals(value, config.getValue("db", String.class));
                return source.stats().staleServes() > 0;
            });
            Await.until("max-stale passes while the refresh still hangs",
                    () -> Await.throwsNow(() -> config.getValue("db", String.class)));
            CofferConfigException e = assertThrows(CofferConfigException.class, () -> config.getValue("db", String.class));
            assertEquals(ErrorCode.STORE_UNAVAILABLE, e.code());
            assertEquals(0, source.stats().refreshFailures(), "the refresh has not even failed yet");
            NoValueLeaks.assertNoValueIn(e);
        } finally {
            coffer.hang(false);
        }
        Await.until("recovery once the server answers", () -> !Await.throwsNow(() -> config.getValue("db", String.class)));
        assertEquals(value, config.getValue("db", String.class));
    }

    @Test
    void disabledVersionFailsClosedAtTheNextRefreshAndComesBackWhenEnabled() {
        String v1 = TestValues.text();
        String v2 = TestValues.text();
        String id = coffer.create("prod/db", v1);
        coffer.rotate(id, v2);
        CofferConfigSource source = new CofferConfigSource(fast().maxStale(Duration.ofMinutes(10)).map("db", "prod/db@1").build(), coffer);
        SmallRyeConfig config = config(source);
        assertEquals(v1, config.getValue("db", String.class));

        coffer.real().disable(coffer.admin, id, 1);
        Await.until("revocation", () -> source.stats().revocations() == 1);
        CofferConfigException e = assertThrows(CofferConfigException.class, () -> config.getValue("db", String.class));
        assertEquals(ErrorCode.VERSION_DISABLED, e.code());
        assertTrue(e.getMessage().contains("'db'") && e.getMessage().contains("prod/db@1"), e.getMessage());
        NoValueLeaks.assertNoValueIn(e);

        coffer.real().enable(coffer.admin, id, 1);
        Await.until("recovery", () -> !Await.throwsNow(() -> config.getValue("db", String.class)));
        assertEquals(v1, config.getValue("db", String.class));
    }

    @Test
    void deletedSecretFailsClosedEvenWithinMaxStale() {
        String id = coffer.create("prod/db", TestValues.text());
        CofferConfigSource source = new CofferConfigSource(fast().maxStale(Duration.ofMinutes(10)).map("db", "prod/db").build(), coffer);
        coffer.real().scheduleDeletion(coffer.admin, id);
        Await.until("revocation", () -> Await.throwsNow(() -> source.getValue("db")));
        CofferConfigException e = assertThrows(CofferConfigException.class, () -> source.getValue("db"));
        assertEquals(ErrorCode.SECRET_PENDING_DELETION, e.code());
        assertEquals(1, source.stats().revocations());
    }

    @Test
    void smallRyeHandsTheRevocationToTheCaller() {
        String id = coffer.create("prod/db", TestValues.text());
        coffer.rotate(id, TestValues.text());
        CofferConfigSource source = new CofferConfigSource(fast().maxStale(Duration.ofMinutes(10)).map("db", "prod/db@1").build(), coffer);
        SmallRyeConfig config = new SmallRyeConfigBuilder().withSources(source)
                .withSources(new MapBackedConfigSource("fallback", Map.of("db", "not-the-secret"), 100) {}).build();
        coffer.real().destroy(coffer.admin, id, 1);
        Await.until("revocation", () -> source.stats().revocations() == 1);
        // Fail closed: no fallback to a lower-ordinal source, no silent null.
        assertThrows(CofferConfigException.class, () -> config.getValue("db", String.class));
        assertThrows(CofferConfigException.class, () -> config.getOptionalValue("db", String.class));
    }

    @Test
    void startupFailureNamesPropertyPathAndCode() {
        coffer.create("prod/present", TestValues.text());
        CofferConfigException e = assertThrows(CofferConfigException.class, () -> new CofferConfigSource(fast()
                .map("db.password", "prod/payments/missing").map("ok", "prod/present").build(), coffer));
        assertTrue(e.getMessage().contains("property 'db.password' (prod/payments/missing#current)"), e.getMessage());
        assertTrue(e.getMessage().contains("SECRET_NOT_FOUND"), e.getMessage());
        assertFalse(e.getMessage().contains("'ok'"), e.getMessage());
        assertEquals(ErrorCode.SECRET_NOT_FOUND, e.code());
    }

    @Test
    void startupRetriesAnOutageUntilTheTimeoutThenNamesTheProperty() {
        coffer.create("prod/db", TestValues.text());
        coffer.outage(true);
        CofferConfigException e = assertThrows(CofferConfigException.class, () -> new CofferConfigSource(fast()
                .startupTimeout(Duration.ofMillis(700)).map("db", "prod/db").build(), coffer));
        assertTrue(coffer.reads.get() > 1, "retried: " + coffer.reads.get());
        assertTrue(e.getMessage().contains("property 'db' (prod/db#current): STORE_UNAVAILABLE"), e.getMessage());
        assertTrue(e.getMessage().contains("coffer.startup.timeout=PT0.7S"), e.getMessage());
    }

    @Test
    void startupOutageThatEndsInTimeSucceeds() throws Exception {
        String value = TestValues.text();
        coffer.create("prod/db", value);
        coffer.outage(true);
        Thread healer = new Thread(() -> {
            Await.until("two failed attempts", () -> coffer.reads.get() >= 2);
            coffer.outage(false);
        });
        healer.start();
        CofferConfigSource source = new CofferConfigSource(fast().startupTimeout(Duration.ofSeconds(20)).map("db", "prod/db").build(), coffer);
        healer.join();
        assertEquals(value, source.getValue("db"));
    }

    @Test
    void prefixExposesEveryReadableSecretOfTheEnvironmentLazily() {
        String a = TestValues.text();
        String b = TestValues.text();
        coffer.create("prod/payments/stripe.key", a);
        coffer.create("prod/db/password", b);
        coffer.create("staging/db/password", TestValues.text());
        CofferConfigSource source = new CofferConfigSource(fast().ttl(Duration.ofMinutes(10))
                .environment("prod").prefix("secrets.").build(), coffer);
        assertEquals(java.util.Set.of("secrets.payments.stripe.key", "secrets.db.password"), source.getPropertyNames());
        assertEquals(0, coffer.reads.get(), "listing reads no value");

        SmallRyeConfig config = config(source);
        assertEquals(a, config.getValue("secrets.payments.stripe.key", String.class));
        assertEquals(b, config.getValue("secrets.db.password", String.class));
        assertEquals(2, source.stats().misses());
        assertEquals(a, config.getValue("secrets.payments.stripe.key", String.class));
        assertEquals(2, coffer.reads.get());
        assertNull(source.getValue("secrets.staging.db.password"));
    }

    @Test
    void prefixListingPicksUpNewSecrets() {
        coffer.create("prod/one", TestValues.text());
        CofferConfigSource source = new CofferConfigSource(fast().environment("prod").prefix("s.").build(), coffer);
        String two = TestValues.text();
        coffer.create("prod/two", two);
        Await.until("the new secret is listed", () -> source.getPropertyNames().contains("s.two"));
        assertEquals(two, source.getValue("s.two"));
    }

    @Test
    void sourcesWithEqualSettingsShareOneCache() {
        coffer.create("prod/db", TestValues.text());
        Settings settings = fast().ttl(Duration.ofMinutes(10)).map("db", "prod/db").build();
        CofferConfigSource first = new CofferConfigSource(settings, coffer);
        int reads = coffer.reads.get();
        CofferConfigSource second = new CofferConfigSource(settings, coffer);
        assertEquals(reads, coffer.reads.get(), "the second source starts no fetch");
        second.getValue("db");
        assertEquals(first.stats(), second.stats());
    }

    @Test
    void withoutUrlTheSourceIsInert() {
        CofferConfigSource source = new CofferConfigSource(Settings.builder().build());
        assertTrue(source.getPropertyNames().isEmpty());
        assertNull(source.getValue("anything"));
        assertEquals(CofferStats.ZERO, source.stats());
        assertEquals(270, source.getOrdinal());
    }

    @Test
    void ordinalIsConfigurable() {
        coffer.create("prod/db", TestValues.text());
        CofferConfigSource source = new CofferConfigSource(fast().ordinal(500).map("db", "prod/db").build(), coffer);
        assertEquals(500, source.getOrdinal());
    }

    @Test
    void reEnteringConstructionYieldsAnInertNestedSource() {
        String value = TestValues.text();
        coffer.create("prod/db", value);
        CofferConfigSource[] nested = new CofferConfigSource[1];
        EmbeddedSecrets reentrant = new EmbeddedSecrets() {
            @Override
            public dev.coffer.spi.SecretManager manager() {
                // What an EmbeddedSecrets that reads ConfigProvider would cause: the source built again.
                nested[0] = new CofferConfigSource();
                return coffer.manager();
            }

            @Override
            public dev.coffer.spi.access.AccessContext context() {
                return coffer.context();
            }
        };
        CofferConfigSource outer = new CofferConfigSource(fast().map("db", "prod/db").build(), reentrant);
        assertEquals(value, outer.getValue("db"));
        assertTrue(nested[0].getPropertyNames().isEmpty());
        assertTrue(nested[0].getName().contains("inert"));
    }

    @Test
    void serviceLoaderFindsTheSourceAndItIsInertWithoutSettings() {
        SmallRyeConfig config = new SmallRyeConfigBuilder().addDiscoveredSources().build();
        CofferConfigSource found = null;
        for (org.eclipse.microprofile.config.spi.ConfigSource s : config.getConfigSources()) {
            if (s instanceof CofferConfigSource c) {
                found = c;
            }
        }
        assertTrue(found != null, "registered through ServiceLoader");
        assertTrue(found.getPropertyNames().isEmpty());
        assertThrows(NoSuchElementException.class, () -> config.getValue("db.password", String.class));
    }

    @Test
    void totalStatsSumsLiveCaches() {
        coffer.create("prod/db", TestValues.text());
        CofferConfigSource source = new CofferConfigSource(fast().ttl(Duration.ofMinutes(10)).map("db", "prod/db").build(), coffer);
        source.getValue("db");
        assertTrue(CofferConfigSource.totalStats().hits() >= source.stats().hits());
        assertSame(CofferStats.class, CofferConfigSource.totalStats().getClass());
    }
}
