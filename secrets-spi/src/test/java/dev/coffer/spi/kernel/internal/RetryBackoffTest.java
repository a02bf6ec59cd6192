package dev.coffer.spi.kernel.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {
    @ParameterizedTest(name = "failure {0} waits at most {1} s")
    @CsvSource({"1,10", "2,20", "3,40", "4,80", "5,160", "6,300", "7,300", "30,300", "2147483647,300"})
    void theCeilingDoublesFromTenSecondsUpToFiveMinutes(int failures, long seconds) {
        assertEquals(Duration.ofSeconds(seconds), RetryBackoff.ceiling(failures));
    }

    @ParameterizedTest(name = "failure {0}")
    @CsvSource({"1", "2", "3", "6", "40"})
    void theJitteredDelayLiesInTheUpperHalfOfTheCeiling(int failures) {
        Duration ceiling = RetryBackoff.ceiling(failures);
        for (int i = 0; i < 1000; i++) {
            Duration d = RetryBackoff.delay(failures);
            assertTrue(d.compareTo(ceiling.dividedBy(2)) >= 0 && d.compareTo(ceiling) <= 0, () -> d + " outside [" + ceiling.dividedBy(2) + ", " + ceiling + "]");
        }
    }

    @Test
    void delaysSpreadOutRatherThanAllFallingOnOneInstant() {
        java.util.Set<Duration> seen = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            seen.add(RetryBackoff.delay(3));
        }
        assertTrue(seen.size() > 50, "200 draws of the 3rd failure's delay gave only " + seen.size() + " distinct delays");
    }

    @Test
    void zeroFailuresIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> RetryBackoff.ceiling(0));
    }
}
