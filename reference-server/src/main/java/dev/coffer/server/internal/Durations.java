package dev.coffer.server.internal;

import dev.coffer.spi.internal.Messages;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations written {@code 500ms}, {@code 60s}, {@code 5m}, {@code 1h}, {@code 90d} or ISO-8601 ({@code PT1H}). Not API. */
public final class Durations {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private Durations() {}

    /** The duration {@code text} names, for the field {@code field} (used in the error message). */
    public static Duration parse(String field, String text) {
        if (text == null || text.isBlank()) {
            throw invalid(field, text);
        }
        Matcher m = SHORT.matcher(text.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw invalid(field, text);
        }
    }

    private static InvalidRequestException invalid(String field, String text) {
        return new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, field + " '" + Messages.printable(text)
                + "' is not a duration; write e.g. 90d, 12h, 30m, 60s or ISO-8601 (P90D, PT1H)");
    }
}
