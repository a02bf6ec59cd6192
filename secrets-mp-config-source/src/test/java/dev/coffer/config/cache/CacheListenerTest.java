package dev.coffer.config.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.config.CofferConfigException;
import dev.coffer.config.cache.NextFallbackTest.AliasTable;
import dev.coffer.config.settings.Settings;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.tck.support.Await;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link SecretCache.Listener}: told when what {@code value(property)} returns changed, and only then. */
@ExtendWith(NoValueLeaks.class)
class CacheListenerTest {
    private final AliasTable table = new AliasTable();
    private final List<String> told = new CopyOnWriteArrayList<>();
    private final List<String> threads = new CopyOnWriteArrayList<>();
    private SecretCache cache;

    @AfterEach
    void close() {
        if (cache != null) {
            cache.close();
        }
    }

    private void start(Duration maxStale) {
        cache = SecretCache.start(Settings.builder().url(Settings.EMBEDDED)
                .ttl(Duration.ofMillis(100)).jitter(Duration.ZERO).maxStale(maxStale)
                .startupTimeout(Duration.ofMillis(500)).map("db", "prod/db#current").build(), table);
        cache.addListener(property -> {
            threads.add(Thread.currentThread().getName());
            told.add(property);
        });
    }

    @Test
    void aNewValueARevocationAndTheRecoveryAreEachToldOnTheListenerThread() {
        String first = TestValues.text();
        String second = TestValues.text();
        table.values.put("current", first);
        start(Duration.ofMinutes(10));
        Await.until("a few refreshes of the same value", () -> cache.stats().refreshes() >= 3);
        assertEquals(List.of(), told, "a refresh bringing the same value back tells nothing");

        table.values.put("current", second);
        Await.until("the new value is told", () -> told.size() == 1);
        assertEquals(second, cache.value("db"), "the listener is told after the state changed");

        table.disabled.add("current");
        Await.until("the revocation is told", () -> told.size() == 2);
        assertEquals(ErrorCode.VERSION_DISABLED, assertThrows(CofferConfigException.class, () -> cache.value("db")).code());

        table.disabled.remove("current");
        Await.until("the recovery is told", () -> told.size() == 3);
        assertEquals(second, cache.value("db"));
        assertEquals(List.of("db", "db", "db"), told);
        assertTrue(threads.stream().allMatch("coffer-config-listeners"::equals), threads.toString());
    }

    @Test
    void turningStaleTellsNothingButExpiryPastMaxStaleDoes() {
        table.values.put("current", TestValues.text());
        start(Duration.ofMillis(300));
        table.outage = true;
        Await.until("the value expires", () -> Await.throwsNow(() -> cache.value("db")));
        Await.until("the expiry is told", () -> !told.isEmpty());
        assertEquals(List.of("db"), told, "stale (still served, unchanged) is not told; expired is");
        table.outage = false;
        Await.until("served again and told", () -> told.size() == 2);
    }

    @Test
    void aListenerThatThrowsIsToldTheNextChangeAnyway() {
        table.values.put("current", TestValues.text());
        start(Duration.ofMinutes(10));
        List<String> seen = new CopyOnWriteArrayList<>();
        cache.addListener(property -> {
            seen.add(property);
            throw new IllegalStateException("listener bug");
        });
        table.values.put("current", TestValues.text());
        Await.until("the first change", () -> seen.size() == 1);
        table.values.put("current", TestValues.text());
        Await.until("the second change", () -> seen.size() == 2 && told.size() == 2);
    }
}
