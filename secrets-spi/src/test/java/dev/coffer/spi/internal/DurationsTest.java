package dev.coffer.spi.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({"500ms,PT0.5S", "60s,PT1M", "5m,PT5M", "1h,PT1H", "2d,PT48H", "PT60S,PT1M", "pt2m,PT2M", "0,PT0S", " 15s ,PT15S"})
    void acceptsShortAndIsoForms(String text, String expected) {
        assertEquals(Duration.parse(expected), Durations.parse("coffer.cache.ttl", text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"60", "", "1.5s", "-5s", "5 minutes", "PT-5S", "P", "s"})
    void refusesAnythingElseNamingTheKey(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("coffer.cache.ttl", text));
        assertEquals("coffer.cache.ttl='" + text.trim() + "' is not a duration; write e.g. 500ms, 60s, 5m, 1h, 2d or ISO-8601 PT60S",
                e.getMessage());
    }
}
