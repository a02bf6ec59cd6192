package dev.coffer.server.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what {@code bash -c 'wrk --latency ...; times'} prints: requests and window from
 * {@code N requests in 20.00s}, the 50 % and 99 % lines of the latency distribution, the
 * {@code Non-2xx or 3xx responses} and {@code Socket errors} lines, and the children's user and
 * system time from the second line of {@code times}.
 */
public final class WrkOutput {
    private static final Pattern REQUESTS = Pattern.compile("(?m)^\\s*(\\d+) requests in ([\\d.]+)(us|ms|s|m|h)\\b");
    private static final Pattern PERCENTILE = Pattern.compile("(?m)^\\s*(50|99)(?:\\.0+)?%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$");
    private static final Pattern NON_2XX = Pattern.compile("(?m)^\\s*Non-2xx or 3xx responses:\\s*(\\d+)");
    private static final Pattern SOCKET = Pattern.compile(
            "(?m)^\\s*Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern TIMES = Pattern.compile("(?m)^(\\d+)m([\\d.]+)s (\\d+)m([\\d.]+)s\\s*$");

    private WrkOutput() {}

    /**
     * The window's figures.
     *
     * @param text wrk's output followed by the output of bash's {@code times}
     * @param expect2xx true when every response should be a 2xx; false when none should (the 401 floor)
     * @throws IllegalArgumentException when the text has no request count or no latency distribution
     */
    public static LoadResult parse(String text, boolean expect2xx) {
        Matcher requests = REQUESTS.matcher(text);
        if (!requests.find()) {
            throw new IllegalArgumentException("wrk printed no request count: " + firstLine(text));
        }
        long count = Long.parseLong(requests.group(1));
        double seconds = millis(requests.group(2), requests.group(3)) / 1000;
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        Matcher percentile = PERCENTILE.matcher(text);
        while (percentile.find()) {
            double ms = millis(percentile.group(2), percentile.group(3));
            if (percentile.group(1).equals("50")) {
                p50 = ms;
            } else {
                p99 = ms;
            }
        }
        if (count > 0 && (Double.isNaN(p50) || Double.isNaN(p99))) {
            throw new IllegalArgumentException("wrk printed no latency distribution (run with --latency)");
        }
        long non2xx = find(NON_2XX, text);
        long socketErrors = 0;
        Matcher socket = SOCKET.matcher(text);
        if (socket.find()) {
            for (int g = 1; g <= 4; g++) {
                socketErrors += Long.parseLong(socket.group(g));
            }
        }
        long unexpected = expect2xx ? non2xx : count - non2xx;
        return new LoadResult(count, seconds, p50, p99, unexpected, socketErrors, childrenCpuMs(text));
    }

    /** The children's user + system time from the last two {@code times} lines, or NaN without them. */
    static double childrenCpuMs(String text) {
        Matcher times = TIMES.matcher(text);
        double last = Double.NaN;
        while (times.find()) {
            last = (Long.parseLong(times.group(1)) * 60 + Double.parseDouble(times.group(2))
                    + Long.parseLong(times.group(3)) * 60 + Double.parseDouble(times.group(4))) * 1000;
        }
        return last;
    }

    private static long find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static double millis(String number, String unit) {
        double value = Double.parseDouble(number);
        return switch (unit) {
            case "us" -> value / 1000;
            case "ms" -> value;
            case "s" -> value * 1000;
            case "m" -> value * 60_000;
            default -> value * 3_600_000;
        };
    }

    private static String firstLine(String text) {
        String line = text.strip().lines().findFirst().orElse("(nothing)");
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
