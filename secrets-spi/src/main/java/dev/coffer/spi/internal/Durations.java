package dev.coffer.spi.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the durations Coffer's settings, CLI options and API fields are written in (not API): {@code 500ms}, {@code 60s}, {@code 5m},
 * {@code 1h}, {@code 2d}, ISO-8601 ({@code PT60S}) and a bare {@code 0}. A bare number other than
 * zero is refused: {@code 60} could mean seconds or milliseconds, and guessing wrong silently is
 * worse than failing at startup.
 *
 * <pre>{@code
 * Durations.parse("coffer.cache.ttl", "90s"); // PT1M30S
 * Durations.parse("rotationPeriod", "90d");   // PT2160H
 * }</pre>
 */
public final class Durations {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)");

    private Durations() {}

    /**
     * The duration written in {@code text}.
     *
     * @param key the setting, named in the error message
     * @param text the written duration
     * @throws IllegalArgumentException naming the key and the accepted forms
     */
    public static Duration parse(String key, String text) {
        String t = text == null ? "" : text.trim();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = SHORT.matcher(t);
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
        if (t.length() > 1 && (t.charAt(0) == 'P' || t.charAt(0) == 'p')) {
            try {
                Duration d = Duration.parse(t);
                if (!d.isNegative()) {
                    return d;
                }
            } catch (DateTimeParseException e) {
                // fall through to the message below
            }
        }
        throw new IllegalArgumentException(key + "='" + Messages.printable(t)
                + "' is not a duration; write e.g. 500ms, 60s, 5m, 1h, 2d or ISO-8601 PT60S");
    }
}
