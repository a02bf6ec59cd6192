package dev.coffer.config.expression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.config.CofferConfigSource;
import dev.coffer.config.cache.CacheRegistry;
import dev.coffer.config.settings.Bootstrap;
import dev.coffer.config.settings.Settings;
import dev.coffer.config.support.Embedded;
import dev.coffer.tck.support.Await;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code ${coffer::...}} expressions on SmallRye Config over the embedded transport (real
 * in-memory kernel), with {@code java.util.logging} of {@code io.smallrye.config} and
 * {@code dev.coffer} at {@code ALL} and captured.
 */
@ExtendWith(NoValueLeaks.class)
class SecretExpressionTest {
    private final Embedded coffer = new Embedded();
    private final List<String> logged = new ArrayList<>();
    private final List<Logger> loggers = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logged) {
                logged.add(record.getLoggerName() + " " + new SimpleFormatter().formatMessage(record)
                        + (record.getThrown() == null ? "" : " " + record.getThrown()));
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    SecretExpressionTest() {
        for (String name : List.of("io.smallrye.config", "dev.coffer")) {
            Logger logger = Logger.getLogger(name);
            logger.setLevel(Level.ALL);
            logger.addHandler(capture);
            loggers.add(logger); // held: a logger's level lives only as long as the logger
        }
    }

    @AfterEach
    void stop() {
        for (Logger logger : loggers) {
            logger.removeHandler(capture);
            logger.setLevel(null);
        }
        CacheRegistry.closeAll();
    }

    private static Map<String, String> fast(Map<String, String> more) {
        Map<String, String> m = new HashMap<>(Map.of("coffer.url", "embedded", "coffer.cache.ttl", "200ms",
                "coffer.cache.jitter", "0s", "coffer.cache.max-stale", "1s", "coffer.startup.timeout", "2s"));
        // Fetch counts are asserted: the change stream is off (its refresh on opening adds a read).
        m.put("coffer.watch", "false");
        m.putAll(more);
        return m;
    }

    private SmallRyeConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(properties, "test.properties", 100))
                .withSecretKeyHandlerFactories(new CofferSecretKeysHandlerFactory(coffer))
                .build();
    }

    private String logs() {
        synchronized (logged) {
            return String.join("\n", logged);
        }
    }

    @Test
    void anExpressionInsideAPropertyResolvesToTheSecret() {
        String value = TestValues.text();
        coffer.create("prod/payments/db-password", value);
        SmallRyeConfig config = config(fast(Map.of("db.url", "jdbc:postgresql://db/payments?password=${coffer::prod/payments/db-password}")));

        assertEquals("jdbc:postgresql://db/payments?password=" + value, config.getValue("db.url", String.class));
        assertEquals("jdbc:postgresql://db/payments?password=" + value, config.getValue("db.url", String.class));
        assertEquals(1, coffer.reads.get(), "the second read is served from the cache");
    }

    @Test
    void aliasAndVersionReferencesReadThoseVersions() {
        String v1 = TestValues.text();
        String v2 = TestValues.text();
        String id = coffer.create("prod/api-key", v1);
        coffer.rotate(id, v2);
        SmallRyeConfig config = config(fast(Map.of("key.now", "${coffer::prod/api-key}", "key.first", "${coffer::prod/api-key@1}",
                "key.before", "${coffer::prod/api-key#previous}")));
        assertEquals(v2, config.getValue("key.now", String.class));
        assertEquals(v1, config.getValue("key.first", String.class));
        assertEquals(v1, config.getValue("key.before", String.class));
    }

    @Test
    void aMissingSecretFailsNamingTheReferenceAndItsPath() {
        SmallRyeConfig config = config(fast(Map.of("db.password", "${coffer::prod/no/such-secret}")));
        RuntimeException e = assertThrows(RuntimeException.class, () -> config.getValue("db.password", String.class));
        assertTrue(e.getMessage().contains("prod/no/such-secret") && e.getMessage().contains("SECRET_NOT_FOUND"), e.getMessage());
        NoValueLeaks.assertNoValueIn(e);
    }

    @Test
    void aMalformedReferenceFailsNamingTheExpression() {
        SmallRyeConfig config = config(fast(Map.of("db.password", "${coffer::prod/db@x}")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> config.getValue("db.password", String.class));
        assertTrue(e.getMessage().startsWith("expression ${coffer::prod/db@x}") && e.getMessage().contains("not a number"), e.getMessage());
    }

    @Test
    void aConfigurationWithoutExpressionsNeitherReadsTheSettingsNorFails() {
        SmallRyeConfig config = config(Map.of("coffer.url", "embedded", "coffer.cache.ttl", "soon", "plain", "x"));
        assertEquals("x", config.getValue("plain", String.class));
        assertEquals(0, CacheRegistry.size(), "no cache was started");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config(Map.of("coffer.url", "embedded", "coffer.cache.ttl", "soon", "p", "${coffer::prod/db}")).getValue("p", String.class));
        assertTrue(e.getMessage().contains("coffer.cache.ttl"), e.getMessage());
    }

    @Test
    void withoutCofferUrlAnExpressionFailsSayingSo() {
        SmallRyeConfig config = config(Map.of("db.password", "${coffer::prod/db}"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> config.getValue("db.password", String.class));
        assertTrue(e.getMessage().contains("coffer.url is not set"), e.getMessage());
    }

    @Test
    void aRevocationStopsTheExpressionAtTheNextRefreshAndARotationIsPickedUp() {
        String v1 = TestValues.text();
        String v2 = TestValues.text();
        String id = coffer.create("prod/payments/token", v1);
        // max-stale far away: a revocation is not an outage, it stops the value at once
        SmallRyeConfig config = config(fast(Map.of("api.auth", "Bearer ${coffer::prod/payments/token}", "coffer.cache.max-stale", "10m")));
        assertEquals("Bearer " + v1, config.getValue("api.auth", String.class));

        coffer.rotate(id, v2);
        Await.until("the rotation is served", () -> ("Bearer " + v2).equals(config.getValue("api.auth", String.class)));

        coffer.real().scheduleDeletion(coffer.admin, id);
        Await.until("the revocation is served", () -> Await.throwsNow(() -> config.getValue("api.auth", String.class)));
        RuntimeException e = assertThrows(RuntimeException.class, () -> config.getValue("api.auth", String.class));
        assertTrue(e.getMessage().contains("revoked") && e.getMessage().contains("SECRET_PENDING_DELETION")
                && e.getMessage().contains("prod/payments/token"), e.getMessage());
        NoValueLeaks.assertNoValueIn(e);
    }

    @Test
    void expressionsShareTheCacheOfAConfigSourceWithEqualSettings() {
        // The registry is per class loader: an earlier test class's caches wait there for the GC
        // (their sources' Cleaner) and would be counted below.
        CacheRegistry.closeAll();
        String value = TestValues.text();
        coffer.create("prod/db", value);
        Map<String, String> settings = fast(Map.of("coffer.map.db.password", "prod/db"));
        CofferConfigSource source = new CofferConfigSource(Settings.from(new Bootstrap(Map.of(), Map.of(), List.of(settings))), coffer);
        Map<String, String> properties = new HashMap<>(settings);
        properties.put("db.url", "jdbc:h2:mem:x;PASSWORD=${coffer::prod/db}");
        SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultInterceptors().withSources(source)
                .withSources(new PropertiesConfigSource(properties, "test.properties", 100))
                .withSecretKeyHandlerFactories(new CofferSecretKeysHandlerFactory(coffer)).build();

        assertEquals("jdbc:h2:mem:x;PASSWORD=" + value, config.getValue("db.url", String.class));
        assertEquals(1, CacheRegistry.size(), "one cache for the source and the expressions");
        long hits = source.stats().hits();
        config.getValue("db.url", String.class);
        assertTrue(source.stats().hits() > hits, "the expression's reads count in the source's cache");
        assertFalse(source.getPropertyNames().stream().anyMatch(n -> n.contains("coffer::")), "a reference is no property");
        assertEquals(null, source.getValue("${coffer::prod/db#current}"), "nor can it be read as one");
    }

    /**
     * What holds for SmallRye's own views of such a property (smallrye-config 3.13.4): the raw value
     * keeps the expression; SmallRye does not mark a secret-keys handler's result as secret, so
     * {@link ConfigValue#getValue()} and {@link ConfigValue#toString()} carry the expanded value, as
     * for any property. Its lookup logging ({@code smallrye.config.log.values=true}, at debug) runs
     * inside the expression interceptor and so logs the raw expression, never the value.
     */
    @Test
    void smallRyesLogsAndRawValueHoldTheExpressionNotTheValue() {
        String value = TestValues.text();
        coffer.create("prod/payments/db-password", value);
        SmallRyeConfig config = config(fast(Map.of("smallrye.config.log.values", "true",
                "db.url", "jdbc:postgresql://db/payments?password=${coffer::prod/payments/db-password}")));
        assertEquals("jdbc:postgresql://db/payments?password=" + value, config.getValue("db.url", String.class));

        ConfigValue cv = config.getConfigValue("db.url");
        assertEquals("jdbc:postgresql://db/payments?password=${coffer::prod/payments/db-password}", cv.getRawValue());
        assertTrue(cv.toString().contains(value), "documented: ConfigValue.toString() prints the expanded value");

        String logs = logs();
        assertTrue(logs.contains("SRCFG01001") && logs.contains("db.url"), "SmallRye's lookup log was captured:\n" + logs);
        assertFalse(logs.contains(value), "no value in SmallRye's or Coffer's logs:\n" + logs);
    }
}
