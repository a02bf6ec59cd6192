package dev.coffer.config.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.config.CofferConfigException;
import dev.coffer.config.settings.SecretMapping;
import dev.coffer.config.settings.Settings;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.error.VersionDisabledException;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.tck.support.Await;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The cache's fallback from an unset {@code next} to {@code current}, with alias {@code next}
 * coming and going at will between refreshes, and every log switch counted: the transport here is
 * a table of aliases answering with the kernel's error codes. The same story through the real
 * kernel and its rotation engine is {@code CanaryMappingTest}.
 */
@ExtendWith(NoValueLeaks.class)
class NextFallbackTest {
    private static final Logger LOG = Logger.getLogger("dev.coffer.config");
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.INFO.intValue()) {
                lines.add(record.getMessage());
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    /** A secret's aliases as a transport sees them: alias to value; disabled aliases answer VERSION_DISABLED. */
    static class AliasTable implements Fetcher {
        final Map<String, String> values = new ConcurrentHashMap<>();
        final Set<String> disabled = ConcurrentHashMap.newKeySet();
        volatile boolean outage;

        @Override
        public String read(SecretMapping mapping) {
            if (outage) {
                throw new UnavailableException(ErrorCode.STORE_UNAVAILABLE, "simulated outage");
            }
            String alias = ((VersionSelector.ByAlias) mapping.selector()).name();
            if (disabled.contains(alias)) {
                throw new VersionDisabledException("the version alias " + alias + " names is disabled");
            }
            String v = values.get(alias);
            if (v == null) {
                throw new NotFoundException(ErrorCode.ALIAS_NOT_FOUND, "alias '" + alias + "' is not set on " + mapping.target());
            }
            return v;
        }

        @Override
        public List<String> list(String environment) {
            return List.of();
        }

        @Override
        public String describe() {
            return "alias table";
        }
    }

    private final AliasTable table = new AliasTable();
    private SecretCache cache;

    @BeforeEach
    void capture() {
        LOG.addHandler(handler);
    }

    @AfterEach
    void release() {
        LOG.removeHandler(handler);
        if (cache != null) {
            cache.close();
        }
    }

    private SecretCache start(String target) {
        cache = SecretCache.start(Settings.builder().url(Settings.EMBEDDED)
                .ttl(Duration.ofMillis(100)).jitter(Duration.ZERO).maxStale(Duration.ofMinutes(10))
                .startupTimeout(Duration.ofMillis(500)).map("db", target).build(), table);
        return cache;
    }

    @Test
    void whenNextAppearsTheNextRefreshServesItAndWhenItDisappearsTheNextRefreshServesCurrent() {
        String current = TestValues.text();
        String canary = TestValues.text();
        String later = TestValues.text();
        table.values.put("current", current);
        start("prod/db#next");
        assertEquals(current, cache.value("db"));
        assertEquals(1, cache.stats().nextFallbacks());

        table.values.put("next", canary); // a rotation enters its canary period
        Await.until("next is served", () -> canary.equals(cache.value("db")));
        long fallbacks = cache.stats().nextFallbacks();

        table.values.put("current", canary); // promotion: current moves to the canary's version...
        table.values.remove("next"); // ...and next is cleared
        Await.until("current is served", () -> cache.stats().nextFallbacks() > fallbacks);
        assertEquals(canary, cache.value("db"));

        table.values.put("next", later); // the next rotation's canary
        Await.until("the new next is served", () -> later.equals(cache.value("db")));
        assertEquals(0, cache.stats().revocations(), "next coming and going revokes nothing");

        List<String> switches = lines.stream().filter(l -> l.contains("property 'db' (prod/db#next) is served alias")).toList();
        assertEquals(4, switches.size(), "each switch is logged once: " + lines);
        assertTrue(switches.get(0).contains("served alias current: alias next is not set"), switches.get(0));
        assertTrue(switches.get(1).contains("served alias next again"), switches.get(1));
        assertTrue(switches.get(2).contains("served alias current"), switches.get(2));
        assertTrue(switches.get(3).contains("served alias next again"), switches.get(3));
    }

    @Test
    void aDisabledNextIsRevokedAndNotReplacedByCurrent() {
        table.values.put("current", TestValues.text());
        table.values.put("next", TestValues.text());
        start("prod/db#next");
        table.disabled.add("next");
        Await.until("the revocation", () -> cache.stats().revocations() == 1);
        CofferConfigException e = assertThrows(CofferConfigException.class, () -> cache.value("db"));
        assertEquals(ErrorCode.VERSION_DISABLED, e.code());
        assertEquals(0, cache.stats().nextFallbacks());
    }

    @Test
    void aDisabledCurrentBehindAnUnsetNextIsRevoked() {
        table.values.put("current", TestValues.text());
        start("prod/db#next");
        table.disabled.add("current");
        Await.until("the revocation", () -> cache.stats().revocations() == 1);
        assertEquals(ErrorCode.VERSION_DISABLED, assertThrows(CofferConfigException.class, () -> cache.value("db")).code());
    }

    @Test
    void anOutageDuringTheFallbackServesStaleLikeAnyOtherRead() {
        String current = TestValues.text();
        table.values.put("current", current);
        start("prod/db#next");
        table.outage = true;
        Await.until("a failed refresh", () -> cache.stats().refreshFailures() > 0);
        assertEquals(current, cache.value("db"));
        assertEquals(0, cache.stats().revocations());
    }

    @Test
    void anUnsetPreviousStillFailsClosed() {
        table.values.put("current", TestValues.text());
        CofferConfigException e = assertThrows(CofferConfigException.class, () -> start("prod/db#previous"));
        assertEquals(ErrorCode.ALIAS_NOT_FOUND, e.code());
    }
}
