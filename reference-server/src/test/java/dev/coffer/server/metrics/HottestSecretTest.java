package dev.coffer.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coffer.spi.model.SecretPath;
import dev.coffer.tck.support.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HottestSecretTest {
    private static final SecretPath A = new SecretPath("default", "prod", "db/password");
    private static final SecretPath B = new SecretPath("default", "prod", "api/key");

    @Test
    void reportsTheReadsOfTheMostReadSecretInTheLastCompleteMinute() {
        MutableClock clock = MutableClock.startingAt2030();
        HottestSecret hottest = new HottestSecret(clock);
        for (int i = 0; i < 5; i++) {
            hottest.read(A);
        }
        hottest.read(B);
        hottest.read(B);
        assertEquals(0, hottest.lastWindowMax(), "the current minute is not complete");

        clock.advance(HottestSecret.WINDOW);
        assertEquals(5, hottest.lastWindowMax());
        hottest.read(B);
        assertEquals(5, hottest.lastWindowMax(), "stays until the next window completes");

        clock.advance(HottestSecret.WINDOW);
        assertEquals(1, hottest.lastWindowMax());

        clock.advance(HottestSecret.WINDOW.multipliedBy(2));
        assertEquals(0, hottest.lastWindowMax(), "a minute without reads");
    }

    @Test
    void aWindowCountsAtMostMaxTrackedSecrets() {
        MutableClock clock = MutableClock.startingAt2030();
        HottestSecret hottest = new HottestSecret(clock);
        for (int i = 0; i < HottestSecret.MAX_TRACKED; i++) {
            hottest.read(new SecretPath("default", "prod", "s" + i));
        }
        for (int i = 0; i < 3; i++) {
            hottest.read(A); // past the limit: not counted
        }
        hottest.read(new SecretPath("default", "prod", "s7")); // already tracked: counted
        clock.advance(Duration.ofSeconds(61));
        assertEquals(2, hottest.lastWindowMax());

        for (int i = 0; i < 3; i++) {
            hottest.read(A); // a new window starts empty
        }
        clock.advance(HottestSecret.WINDOW);
        assertEquals(3, hottest.lastWindowMax());
    }
}
