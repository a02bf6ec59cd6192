package dev.coffer.spi.rotation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RotationScheduleTest {
    private static final Instant LAST = Instant.parse("2026-03-10T10:15:30Z");

    @ParameterizedTest
    @CsvSource({"30d,PT720H", "12h,PT12H", "P90D,PT2160H", "1h,PT1H", "3650d,PT87600H", " 7d ,PT168H"})
    void aPeriodFallsDueThatLongAfterTheLastRotation(String text, String period) {
        RotationSchedule s = RotationSchedule.parse(text);

        assertEquals(Optional.of(Duration.parse(period)), s.period());
        assertFalse(s.isCron());
        assertEquals(Optional.of(LAST.plus(Duration.parse(period))), s.nextAfter(LAST));
        assertEquals(text.trim(), s.expression());
    }

    @Test
    void aCronScheduleFallsDueAtItsNextFiringInUtc() {
        RotationSchedule s = RotationSchedule.parse("0 3 * * 1");

        assertTrue(s.isCron());
        assertEquals(Optional.empty(), s.period());
        assertEquals(Optional.of(Instant.parse("2026-03-16T03:00:00Z")), s.nextAfter(LAST)); // a Tuesday -> Monday
    }

    @Test
    void aCronScheduleThatNeverFiresHasNoNextMoment() {
        assertEquals(Optional.empty(), RotationSchedule.parse("0 0 30 2 *").nextAfter(LAST));
    }

    @Test
    void aPeriodBeyondWhatAnInstantHoldsHasNoNextMoment() {
        assertEquals(Optional.empty(), RotationSchedule.parse("30d").nextAfter(Instant.MAX.minusSeconds(60)));
    }

    @Test
    void everyIsTheSameAsParsingThePeriod() {
        assertEquals(RotationSchedule.parse("PT720H"), RotationSchedule.every(Duration.ofDays(30)));
    }

    /** text | the message, which names the field (schedule) and the rule. */
    @ParameterizedTest(name = "[{index}] ''{0}''")
    @CsvSource(delimiter = '|', textBlock = """
            30m               | schedule period must be between 1h and 3650d, got 30m
            3651d             | schedule period must be between 1h and 3650d, got 3651d
            0                 | schedule period must be between 1h and 3650d, got 0
            monthly           | schedule 'monthly' is neither a period (30d, 12h, P90D) nor a cron expression of five fields
            * 3 * * *         | schedule '* 3 * * *': minute must be a single number from 0 to 59, not *: a rotation schedule fires at most once an hour
            0 3 * *           | schedule '0 3 * *': a cron expression has five fields (minute hour day-of-month month day-of-week), this one has 4
            0 25 * * *        | schedule '0 25 * * *': hour must be between 0 and 23, got 25
            0 3 * * FUN       | schedule '0 3 * * FUN': day-of-week name must be one of SUN,MON,TUE,WED,THU,FRI,SAT
            """)
    void refusesWithInvalidRotationPolicyNamingTheRule(String text, String message) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> RotationSchedule.parse(text));

        assertEquals(ErrorCode.INVALID_ROTATION_POLICY, e.code());
        assertEquals(message, e.getMessage());
    }

    @Test
    void aMissingScheduleIsRefused() {
        for (String blank : new String[] {null, "", "   "}) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> RotationSchedule.parse(blank));
            assertEquals(ErrorCode.INVALID_ROTATION_POLICY, e.code());
            assertTrue(e.getMessage().startsWith("schedule is required"), e.getMessage());
        }
    }

    @Test
    void aScheduleLongerThan128CharactersIsRefusedBeforeParsing() {
        String tooLong = "0 " + "1,".repeat(70) + "2 * * *";
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> RotationSchedule.parse(tooLong));

        assertEquals(ErrorCode.INVALID_ROTATION_POLICY, e.code());
        assertEquals("schedule is longer than 128 characters", e.getMessage());
    }
}
