package dev.coffer.spi.rotation;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.internal.Durations;
import dev.coffer.spi.internal.Messages;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.rotation.internal.CronExpression;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a secret is due for rotation: a period after the last rotation ({@code 30d}, {@code 12h},
 * {@code P90D}), or a cron expression of five fields in UTC ({@code 0 3 * * 1}: Mondays at 03:00).
 *
 * <p>A period lies between {@link Secret#MIN_ROTATION_PERIOD} and {@link Secret#MAX_ROTATION_PERIOD}.
 * A cron expression fires at most once an hour: its minute field is a single number (fields:
 * minute, hour, day of month, month, day of week; {@code *}, lists, ranges, steps and the names
 * {@code JAN}–{@code DEC}, {@code SUN}–{@code SAT}; day of month and day of week both restricted
 * means either matches, as in cron).
 *
 * <pre>{@code
 * RotationSchedule.parse("30d").nextAfter(lastRotatedAt);        // lastRotatedAt + 30 days
 * RotationSchedule.parse("0 3 * * 1").nextAfter(lastRotatedAt);  // the Monday 03:00 UTC after it
 * }</pre>
 */
public final class RotationSchedule {
    /** The longest schedule expression accepted. */
    public static final int MAX_LENGTH = 128;

    private final String expression;
    private final Duration period;
    private final CronExpression cron;

    private RotationSchedule(String expression, Duration period, CronExpression cron) {
        this.expression = expression;
        this.period = period;
        this.cron = cron;
    }

    /**
     * Parses a period or a cron expression.
     *
     * @throws InvalidRequestException {@code INVALID_ROTATION_POLICY} naming the rule broken
     */
    public static RotationSchedule parse(String expression) {
        if (expression == null || expression.isBlank()) {
            throw invalid("schedule is required: a period such as 30d or a cron expression such as '0 3 * * 1' (UTC)");
        }
        String text = expression.trim();
        if (text.length() > MAX_LENGTH) {
            throw invalid("schedule is longer than " + MAX_LENGTH + " characters");
        }
        if (text.indexOf(' ') < 0) {
            Duration period;
            try {
                period = Durations.parse("schedule", text);
            } catch (IllegalArgumentException notADuration) {
                throw invalid("schedule '" + Messages.printable(text)
                        + "' is neither a period (30d, 12h, P90D) nor a cron expression of five fields");
            }
            if (period.compareTo(Secret.MIN_ROTATION_PERIOD) < 0 || period.compareTo(Secret.MAX_ROTATION_PERIOD) > 0) {
                throw invalid("schedule period must be between 1h and 3650d, got " + Messages.printable(text));
            }
            return new RotationSchedule(text, period, null);
        }
        try {
            return new RotationSchedule(text, null, CronExpression.parse(text));
        } catch (IllegalArgumentException badCron) {
            throw invalid("schedule '" + Messages.printable(text) + "': " + badCron.getMessage());
        }
    }

    /** A schedule of one period. */
    public static RotationSchedule every(Duration period) {
        return parse(period.toString());
    }

    /** The expression as written (trimmed). */
    public String expression() {
        return expression;
    }

    /** The period, for a period schedule. */
    public Optional<Duration> period() {
        return Optional.ofNullable(period);
    }

    /** Whether this is a cron expression. */
    public boolean isCron() {
        return cron != null;
    }

    /**
     * The first due moment strictly after {@code last}: {@code last + period}, or the cron
     * expression's next firing. Empty if that lies beyond what an {@link Instant} holds, or for
     * a cron expression that never fires again (such as February 30).
     */
    public Optional<Instant> nextAfter(Instant last) {
        try {
            return period != null ? Optional.of(last.plus(period)) : cron.nextAfter(last);
        } catch (DateTimeException | ArithmeticException beyondInstant) {
            return Optional.empty();
        }
    }

    private static InvalidRequestException invalid(String message) {
        return new InvalidRequestException(ErrorCode.INVALID_ROTATION_POLICY, message);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RotationSchedule other && other.expression.equals(expression);
    }

    @Override
    public int hashCode() {
        return expression.hashCode();
    }

    @Override
    public String toString() {
        return expression;
    }
}
