package dev.coffer.server.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Times and durations as people write and read them: {@code --since 7d} means seven days ago,
 * {@code 2026-01-01T00:00:00Z} is an instant; a rotation period of {@code PT2160H} prints as {@code 90d}.
 *
 * <pre>{@code
 * Times.instant("--since", "1h", now);    // now minus one hour
 * Times.format(Duration.ofDays(90));      // "90d"
 * }</pre>
 */
final class Times {
    private Times() {}

    /**
     * The instant {@code text} names: an ISO-8601 instant, or a duration back from {@code now}
     * ({@code 30m}, {@code 1h}, {@code 7d}, ISO-8601 {@code P7D}).
     *
     * @throws CliException {@code USAGE} naming the option and the accepted forms
     */
    static Instant instant(String option, String text, Instant now) {
        if (text == null) {
            return null;
        }
        String t = text.trim();
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException notAnInstant) {
            // a duration back from now
        }
        Duration ago;
        try {
            ago = dev.coffer.spi.internal.Durations.parse(option, t);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, option + " takes an ISO-8601 instant (2026-01-01T00:00:00Z) or a time back"
                    + " from now (30m, 1h, 7d)");
        }
        return now.minus(ago);
    }

    /** {@code d} in the largest whole unit: {@code 90d}, {@code 12h}, {@code 30m}, {@code 45s}, {@code 250ms}. */
    static String format(Duration d) {
        if (d == null) {
            return null;
        }
        if (d.isZero()) {
            return "0s";
        }
        if (d.toMillis() % 1000 != 0 || d.getNano() % 1_000_000 != 0) {
            return d.toNanos() % 1_000_000 == 0 ? d.toMillis() + "ms" : d.toString();
        }
        long seconds = d.getSeconds();
        if (seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds % 3_600 == 0) {
            return seconds / 3_600 + "h";
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }
}
