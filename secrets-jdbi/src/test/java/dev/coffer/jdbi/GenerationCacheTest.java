package dev.coffer.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.jdbi.internal.GenerationCache;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link GenerationCache}: values only for their own generation, compare-and-set offers, bounded weight. */
class GenerationCacheTest {

    @Test
    void aValueIsOnlyAnsweredForTheGenerationItWasLoadedAt() {
        GenerationCache<String, List<String>> cache = new GenerationCache<>(100, List::size);
        cache.offer("acme", 7, List.of("admin"));

        assertEquals(Optional.of(List.of("admin")), cache.at("acme", 7));
        assertEquals(Optional.empty(), cache.at("acme", 8), "a newer generation finds nothing to serve");
        assertEquals(Optional.empty(), cache.at("acme", 6), "nor does an older one");
        assertEquals(Optional.empty(), cache.at("other", 7), "nor another key");
    }

    @Test
    void aSlowReloadOfAnOlderGenerationNeverReplacesANewerValue() {
        GenerationCache<String, List<String>> cache = new GenerationCache<>(100, List::size);
        cache.offer("acme", 9, List.of("admin"));

        cache.offer("acme", 8, List.of("admin", "revoked-allow"));

        assertEquals(Optional.of(List.of("admin")), cache.at("acme", 9), "generation 9 stays");
        assertEquals(Optional.empty(), cache.at("acme", 8), "the late load of generation 8 was dropped");

        cache.offer("acme", 10, List.of());
        assertEquals(Optional.of(List.of()), cache.at("acme", 10), "a newer generation replaces the entry");
    }

    @Test
    void theCacheStaysWithinItsWeightCountingEveryPolicy() {
        GenerationCache<Integer, List<String>> cache = new GenerationCache<>(50, List::size);
        for (int tenant = 0; tenant < 200; tenant++) {
            cache.offer(tenant, 1, List.of("a", "b", "c", "d"));
        }

        assertTrue(cache.size() <= 10, "entries weigh 1 + their policies (5 here) within 50: " + cache.size() + " held");
    }
}
