package dev.coffer.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Times as {@code --since}/{@code --until} take them, durations as the CLI prints them. */
class TimesTest {
    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");

    @Test
    void durationsPrintInTheirLargestWholeUnit() {
        assertEquals("90d", Times.format(Duration.ofDays(90)));
        assertEquals("12h", Times.format(Duration.ofHours(12)));
        assertEquals("36h", Times.format(Duration.ofHours(36)));
        assertEquals("30m", Times.format(Duration.ofMinutes(30)));
        assertEquals("45s", Times.format(Duration.ofSeconds(45)));
        assertEquals("250ms", Times.format(Duration.ofMillis(250)));
        assertEquals("0s", Times.format(Duration.ZERO));
    }

    @Test
    void sinceTakesATimeBackFromNowOrAnInstant() {
        assertEquals(NOW.minus(Duration.ofHours(1)), Times.instant("--since", "1h", NOW));
        assertEquals(NOW.minus(Duration.ofDays(7)), Times.instant("--since", "7d", NOW));
        assertEquals(NOW.minus(Duration.ofMinutes(30)), Times.instant("--since", "30m", NOW));
        assertEquals(NOW.minus(Duration.ofDays(2)), Times.instant("--since", "P2D", NOW));
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), Times.instant("--since", "2026-01-01T00:00:00Z", NOW));
        assertEquals(null, Times.instant("--since", null, NOW));
    }

    @Test
    void anythingElseIsAUsageErrorNamingTheOptionAndTheForms() {
        for (String bad : new String[] {"7x", "yesterday", "-1h", "2026-13-01T00:00:00Z", ""}) {
            CliException e = assertThrows(CliException.class, () -> Times.instant("--until", bad, NOW), bad);
            assertEquals(ExitCodes.USAGE, e.exitCode());
            assertTrue(e.getMessage().startsWith("--until takes an ISO-8601 instant") && e.getMessage().contains("7d"), e.getMessage());
        }
    }
}
