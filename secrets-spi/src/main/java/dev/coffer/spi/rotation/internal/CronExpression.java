package dev.coffer.spi.rotation.internal;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A five-field cron expression evaluated in UTC (not API): {@code minute hour day-of-month month
 * day-of-week}, with {@code *}, lists ({@code 1,15}), ranges ({@code 1-5}), steps ({@code *}{@code /15},
 * {@code 10-50/10}, {@code 5/15} meaning {@code 5-max/15}), the names {@code JAN}–{@code DEC} and
 * {@code SUN}–{@code SAT} in any case, and day of week 0–7 with 0 and 7 both Sunday.
 *
 * <p>One rule differs from a general-purpose cron: the minute field is a single number, so a
 * schedule fires at most once an hour (a rotation takes minutes and retries for its window; firing
 * more often would only pile up runs). Nothing else (no seconds, {@code ?}, {@code L}, {@code W},
 * {@code #}, {@code @daily}) is accepted. Day of month and day of week follow Vixie cron: when both are restricted (neither begins with
 * {@code *}) a day matching either fires; otherwise a day must match both (one of them being
 * {@code *} or a {@code *}-step).
 *
 * <pre>{@code
 * CronExpression.parse("0 3 * * MON-FRI").nextAfter(Instant.parse("2026-01-02T03:00:00Z"));
 * // 2026-01-05T03:00:00Z, the Monday after that Friday
 * }</pre>
 */
public final class CronExpression {
    /** The longest expression parsed (RotationSchedule refuses longer ones first). */
    public static final int MAX_LENGTH = 256;
    /** How far ahead {@link #nextAfter} looks: past any February 29 (at most 8 years apart, as 2096 to 2104). */
    static final int HORIZON_YEARS = 8;

    private static final List<String> FIELDS = List.of("minute", "hour", "day-of-month", "month", "day-of-week");
    private static final List<String> MONTHS =
            List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

    private final String text;
    private final int minute;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    /** 0 = Sunday ... 6 = Saturday (7 folded into 0). */
    private final BitSet daysOfWeek;
    /** Vixie's rule: either day field beginning with '*' makes the day test an AND, else an OR. */
    private final boolean dayFieldsOr;

    private CronExpression(String text, int minute, BitSet hours, BitSet daysOfMonth, BitSet months,
            BitSet daysOfWeek, boolean dayFieldsOr) {
        this.text = text;
        this.minute = minute;
        this.hours = hours;
        this.daysOfMonth = daysOfMonth;
        this.months = months;
        this.daysOfWeek = daysOfWeek;
        this.dayFieldsOr = dayFieldsOr;
    }

    /** Parses; throws {@link IllegalArgumentException} naming the field and rule broken. */
    public static CronExpression parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a cron expression needs five fields: minute hour day-of-month month day-of-week");
        }
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("a cron expression is at most " + MAX_LENGTH + " characters");
        }
        String trimmed = text.trim();
        String[] f = trimmed.split("\\s+");
        if (f.length != 5) {
            throw new IllegalArgumentException("a cron expression has five fields (minute hour day-of-month month"
                    + " day-of-week), this one has " + f.length);
        }
        int minute = minute(f[0]);
        BitSet hours = field(1, f[1], 0, 23, null);
        BitSet dom = field(2, f[2], 1, 31, null);
        BitSet months = field(3, f[3], 1, 12, MONTHS);
        BitSet dow = field(4, f[4], 0, 7, DAYS);
        if (dow.get(7)) {
            dow.clear(7);
            dow.set(0);
        }
        boolean or = !f[2].startsWith("*") && !f[4].startsWith("*");
        return new CronExpression(trimmed, minute, hours, dom, months, dow, or);
    }

    private static int minute(String field) {
        if (field.contains(",")) {
            throw onceAnHour("a list");
        }
        if (field.contains("/")) {
            throw onceAnHour("a step");
        }
        if (field.equals("*")) {
            throw onceAnHour("*");
        }
        if (field.indexOf('-') > 0) {
            throw onceAnHour("a range");
        }
        return number(0, field, 0, 59, null);
    }

    private static IllegalArgumentException onceAnHour(String what) {
        return new IllegalArgumentException("minute must be a single number from 0 to 59, not " + what
                + ": a rotation schedule fires at most once an hour");
    }

    /** The values of one field: a comma list of {@code *}, {@code n}, {@code a-b}, each with an optional {@code /step}. */
    private static BitSet field(int index, String field, int min, int max, List<String> names) {
        BitSet set = new BitSet(max + 1);
        String[] items = field.split(",", -1);
        for (String item : items) {
            if (item.isEmpty()) {
                throw new IllegalArgumentException(FIELDS.get(index) + " has an empty item in its list");
            }
            String range = item;
            int step = 1;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                range = item.substring(0, slash);
                String stepText = item.substring(slash + 1);
                if (!stepText.matches("[0-9]{1,3}")) {
                    throw new IllegalArgumentException(FIELDS.get(index) + " step after '/' must be a number");
                }
                step = Integer.parseInt(stepText);
                if (step < 1 || step > max) {
                    throw new IllegalArgumentException(FIELDS.get(index) + " step must be between 1 and " + max
                            + ", got " + step);
                }
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else {
                int dash = range.indexOf('-');
                if (dash >= 0) {
                    from = number(index, range.substring(0, dash), min, max, names);
                    to = number(index, range.substring(dash + 1), min, max, names);
                    if (from > to) {
                        throw new IllegalArgumentException(FIELDS.get(index) + " range " + from + "-" + to
                                + " goes backwards; write it as a list of two ranges");
                    }
                } else {
                    from = number(index, range, min, max, names);
                    // "5/15" means from 5 to the end in steps of 15, as in Vixie cron; "5" alone is just 5
                    to = slash >= 0 ? max : from;
                }
            }
            for (int v = from; v <= to; v += step) {
                set.set(v);
            }
        }
        return set;
    }

    private static int number(int index, String token, int min, int max, List<String> names) {
        if (token.matches("[0-9]{1,2}")) {
            int n = Integer.parseInt(token);
            if (n < min || n > max) {
                throw new IllegalArgumentException(FIELDS.get(index) + " must be between " + min + " and " + max
                        + ", got " + n);
            }
            return n;
        }
        if (names != null && token.matches("[A-Za-z]{3}")) {
            int i = names.indexOf(token.toUpperCase(Locale.ROOT));
            if (i >= 0) {
                return names == MONTHS ? i + 1 : i;
            }
            throw new IllegalArgumentException(FIELDS.get(index) + " name must be one of " + String.join(",", names));
        }
        throw new IllegalArgumentException(FIELDS.get(index) + " must be made of numbers from " + min + " to " + max
                + (names == null ? "" : " or the names " + names.get(0) + "-" + names.get(names.size() - 1))
                + " with '*', ',', '-' and '/'; " + (token.isEmpty() ? "a range has an empty end"
                : printable(token) + " is none of these"));
    }

    /** The token as written if short and plain, else a description: refused input is bounded in messages. */
    private static String printable(String token) {
        return token.length() <= 16 && token.chars().allMatch(c -> c > ' ' && c <= '~') ? "'" + token + "'" : "an item";
    }

    /**
     * The first firing strictly after {@code after}, at a whole minute; empty if it does not fire in
     * the next {@value #HORIZON_YEARS} years (such as {@code 0 0 30 2 *}) or lies beyond what
     * {@link Instant} and {@link LocalDateTime} hold.
     */
    public Optional<Instant> nextAfter(Instant after) {
        try {
            LocalDateTime t = LocalDateTime.ofInstant(after, ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
            LocalDateTime horizon = t.plusYears(HORIZON_YEARS);
            // each pass moves t forward to the start of the next candidate month, day or hour, so the loop
            // runs at most about 12 + 31 * 12 * 8 + 24 times per year looked at, never minute by minute
            while (!t.isAfter(horizon)) {
                if (!months.get(t.getMonthValue())) {
                    t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
                    continue;
                }
                if (!dayMatches(t)) {
                    t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
                    continue;
                }
                int hour = hours.nextSetBit(t.getHour());
                if (hour < 0) {
                    t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
                    continue;
                }
                if (hour > t.getHour()) {
                    t = t.withHour(hour).withMinute(0);
                }
                if (t.getMinute() <= minute) {
                    return Optional.of(t.withMinute(minute).toInstant(ZoneOffset.UTC));
                }
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            }
            return Optional.empty();
        } catch (DateTimeException | ArithmeticException beyondTime) {
            return Optional.empty();
        }
    }

    private boolean dayMatches(LocalDateTime t) {
        boolean dom = daysOfMonth.get(t.getDayOfMonth());
        boolean dow = daysOfWeek.get(t.getDayOfWeek().getValue() % 7);
        return dayFieldsOr ? dom || dow : dom && dow;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CronExpression c && c.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
