package dev.coffer.spi.rotation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronExpressionTest {
    /**
     * expression | after | the first firing strictly after it ("never" when there is none in 8 years).
     * A day field beginning with '*' (such as * /2) makes the day test an AND, as in Vixie cron: odd days that are Mondays.
     */
    @ParameterizedTest(name = "[{index}] ''{0}'' after {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            0 3 * * *        | 2026-03-10T02:59:59Z | 2026-03-10T03:00:00Z
            0 3 * * *        | 2026-03-10T03:00:00Z | 2026-03-11T03:00:00Z
            0 3 * * *        | 2026-03-10T03:00:00.001Z | 2026-03-11T03:00:00Z
            0 3 * * *        | 2026-03-10T02:59:00Z | 2026-03-10T03:00:00Z
            30 * * * *       | 2026-03-10T10:29:00Z | 2026-03-10T10:30:00Z
            30 * * * *       | 2026-03-10T10:30:00Z | 2026-03-10T11:30:00Z
            30 * * * *       | 2026-03-10T23:45:00Z | 2026-03-11T00:30:00Z
            0 */6 * * *      | 2026-03-10T06:00:00Z | 2026-03-10T12:00:00Z
            0 9-17/4 * * *   | 2026-03-10T13:00:00Z | 2026-03-10T17:00:00Z
            0 9-17/4 * * *   | 2026-03-10T17:00:00Z | 2026-03-11T09:00:00Z
            15 5/6 * * *     | 2026-03-10T12:00:00Z | 2026-03-10T17:15:00Z
            0 1,13 * * *     | 2026-03-10T01:00:00Z | 2026-03-10T13:00:00Z
            0 0 * * 1        | 2026-01-01T00:00:00Z | 2026-01-05T00:00:00Z
            0 3 * * MON      | 2026-01-05T03:00:00Z | 2026-01-12T03:00:00Z
            0 3 * * mon-fri  | 2026-01-02T03:00:00Z | 2026-01-05T03:00:00Z
            0 3 * * 0        | 2026-01-01T00:00:00Z | 2026-01-04T03:00:00Z
            0 3 * * 7        | 2026-01-01T00:00:00Z | 2026-01-04T03:00:00Z
            0 3 * * SUN      | 2026-01-01T00:00:00Z | 2026-01-04T03:00:00Z
            0 3 * * 5-7      | 2026-01-04T03:00:00Z | 2026-01-09T03:00:00Z
            0 0 31 * *       | 2026-01-31T00:00:00Z | 2026-03-31T00:00:00Z
            0 0 31 * *       | 2026-04-01T00:00:00Z | 2026-05-31T00:00:00Z
            0 0 30 * *       | 2026-01-30T00:00:00Z | 2026-03-30T00:00:00Z
            0 0 29 2 *       | 2026-03-01T00:00:00Z | 2028-02-29T00:00:00Z
            0 0 29 FEB *     | 2096-02-29T00:00:00Z | 2104-02-29T00:00:00Z
            0 12 28-29 2 *   | 2027-02-28T12:00:00Z | 2028-02-28T12:00:00Z
            0 12 28-29 2 *   | 2028-02-28T12:00:00Z | 2028-02-29T12:00:00Z
            0 0 1 1 *        | 2026-12-31T23:59:59Z | 2027-01-01T00:00:00Z
            59 23 31 12 *    | 2026-12-31T23:58:00Z | 2026-12-31T23:59:00Z
            59 23 31 12 *    | 2026-12-31T23:59:00Z | 2027-12-31T23:59:00Z
            0 0 * jan,Jul *  | 2026-02-01T00:00:00Z | 2026-07-01T00:00:00Z
            0 0 * 11-12 *    | 2026-12-31T00:00:00Z | 2027-11-01T00:00:00Z
            0 0 */10 * *     | 2026-03-21T00:00:00Z | 2026-03-31T00:00:00Z
            0 0 1 */3 *      | 2026-02-15T00:00:00Z | 2026-04-01T00:00:00Z
            0 0 13 * 5       | 2026-02-01T00:00:00Z | 2026-02-06T00:00:00Z
            0 0 13 * 5       | 2026-02-06T00:00:00Z | 2026-02-13T00:00:00Z
            0 0 13 * 5       | 2026-02-13T00:00:00Z | 2026-02-20T00:00:00Z
            0 0 1 * MON      | 2026-05-26T00:00:00Z | 2026-06-01T00:00:00Z
            0 0 */2 * MON    | 2026-06-01T00:00:00Z | 2026-06-15T00:00:00Z
            0 0 * * MON      | 2026-06-01T00:00:00Z | 2026-06-08T00:00:00Z
            0 0 */2 * MON    | 2026-06-29T00:00:00Z | 2026-07-13T00:00:00Z
            0 0 30 2 *       | 2026-01-01T00:00:00Z | never
            0 0 31 4,6,9,11 * | 2026-01-01T00:00:00Z | never
            0 0 31 4,6,9,11 1 | 2026-01-01T00:00:00Z | 2026-04-06T00:00:00Z
            7 4 * * *        | 1969-12-31T23:00:00Z | 1970-01-01T04:07:00Z
            """)
    void firesAtTheFirstMatchingMinuteStrictlyAfter(String expression, String after, String expected) {
        Optional<Instant> next = CronExpression.parse(expression).nextAfter(Instant.parse(after));

        assertEquals(expected.equals("never") ? Optional.empty() : Optional.of(Instant.parse(expected)), next);
    }

    @Test
    void dayOfMonthAndDayOfWeekBothRestrictedFireOnEither() {
        // the 15th of June 2026 is a Monday; Fridays in between fire too
        CronExpression cron = CronExpression.parse("0 6 15 * FRI");
        Instant t = Instant.parse("2026-06-10T00:00:00Z");
        StringBuilder firings = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            t = cron.nextAfter(t).orElseThrow();
            firings.append(t).append(' ');
        }
        assertEquals("2026-06-12T06:00:00Z 2026-06-15T06:00:00Z 2026-06-19T06:00:00Z 2026-06-26T06:00:00Z ",
                firings.toString());
    }

    @Test
    void everyFiringIsAWholeMinuteAfterTheGivenInstant() {
        CronExpression cron = CronExpression.parse("17 */5 1,15,28-31 * SAT");
        Instant t = Instant.parse("2027-11-03T08:41:27.123456Z");
        for (int i = 0; i < 500; i++) {
            Instant next = cron.nextAfter(t).orElseThrow();
            assertTrue(next.isAfter(t), () -> next + " is not after its start");
            assertEquals(next, next.truncatedTo(ChronoUnit.MINUTES));
            assertEquals(17, next.atOffset(java.time.ZoneOffset.UTC).getMinute());
            t = next;
        }
    }

    @Test
    void anInstantBeyondWhatADateHoldsNeverFires() {
        assertEquals(Optional.empty(), CronExpression.parse("0 0 1 1 *").nextAfter(Instant.MAX));
        assertEquals(Optional.empty(), CronExpression.parse("0 0 29 2 *").nextAfter(Instant.parse("+999999998-03-01T00:00:00Z")));
    }

    /** expression | a fragment the message must contain (naming the field and the rule). */
    @ParameterizedTest(name = "[{index}] ''{0}''")
    @CsvSource(delimiter = '|', textBlock = """
            * 3 * * *          | minute must be a single number from 0 to 59, not *: a rotation schedule fires at most once an hour
            0,30 3 * * *       | minute must be a single number from 0 to 59, not a list
            0-5 3 * * *        | minute must be a single number from 0 to 59, not a range
            */15 * * * *       | minute must be a single number from 0 to 59, not a step
            60 3 * * *         | minute must be between 0 and 59, got 60
            x 3 * * *          | minute must be made of numbers from 0 to 59
            0 24 * * *         | hour must be between 0 and 23, got 24
            0 3 0 * *          | day-of-month must be between 1 and 31, got 0
            0 3 32 * *         | day-of-month must be between 1 and 31, got 32
            0 3 * 13 *         | month must be between 1 and 12, got 13
            0 3 * 0 *          | month must be between 1 and 12, got 0
            0 3 * * 8          | day-of-week must be between 0 and 7, got 8
            0 3 * FOO *        | month name must be one of JAN,FEB,MAR,APR,MAY,JUN,JUL,AUG,SEP,OCT,NOV,DEC
            0 3 * * FUN        | day-of-week name must be one of SUN,MON,TUE,WED,THU,FRI,SAT
            0 3 * * MONDAY     | day-of-week must be made of numbers from 0 to 7 or the names SUN-SAT
            0 MON * * *        | hour must be made of numbers from 0 to 23 with
            0 5-1 * * *        | hour range 5-1 goes backwards
            0 3 * * SAT-SUN    | day-of-week range 6-0 goes backwards
            0 */0 * * *        | hour step must be between 1 and 23, got 0
            0 */x * * *        | hour step after '/' must be a number
            0 1,,2 * * *       | hour has an empty item in its list
            0 1- * * *         | hour must be made of numbers from 0 to 23 with '*', ',', '-' and '/'; a range has an empty end
            0 3 L * *          | day-of-month must be made of numbers from 1 to 31
            0 3 ? * *          | day-of-month must be made of numbers from 1 to 31
            0 3 * *            | a cron expression has five fields (minute hour day-of-month month day-of-week), this one has 4
            0 0 3 * * *        | a cron expression has five fields (minute hour day-of-month month day-of-week), this one has 6
            """)
    void refusesWithAMessageNamingTheFieldAndTheRule(String expression, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CronExpression.parse(expression));
        assertTrue(e.getMessage().contains(fragment), () -> "message was: " + e.getMessage());
    }

    @Test
    void refusesAnExpressionLongerThanTheBound() {
        String longList = "0 " + "1,".repeat(200) + "2 * * *";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CronExpression.parse(longList));
        assertEquals("a cron expression is at most 256 characters", e.getMessage());
    }

    @Test
    void namesAreCaseInsensitive() {
        assertEquals(CronExpression.parse("0 3 * jan-MAR Mon").nextAfter(Instant.parse("2026-04-01T00:00:00Z")),
                CronExpression.parse("0 3 * 1-3 1").nextAfter(Instant.parse("2026-04-01T00:00:00Z")));
    }
}
