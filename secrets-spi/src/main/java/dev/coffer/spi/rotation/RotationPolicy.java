package dev.coffer.spi.rotation;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.internal.Messages;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * How a secret rotates: which rotator, when, and how carefully. Validated when built; the kernel
 * additionally checks, when the policy is set, that the rotator exists and accepts the params.
 *
 * <pre>{@code
 * RotationPolicy.builder("postgresql", RotationSchedule.parse("0 3 * * 1"))
 *         .window(Duration.ofHours(2))
 *         .overlap(Duration.ofHours(24))
 *         .param("strategy", "alternating-users")
 *         .param("adminSecret", "prod/db/admin")
 *         .build();
 * }</pre>
 *
 * @param rotator the rotator's name ({@code manual-overlap}, {@code generated}, {@code postgresql}, ...)
 * @param schedule when rotations fall due
 * @param window how long one run may keep retrying after it opens ({@value #MIN_WINDOW_MINUTES} minute
 *     to 7 days, default 1 hour); a secret is overdue once its due moment plus the window has passed
 * @param overlap how long the old version stays readable as {@code previous} after a promotion
 *     before it is disabled and retired (0 to 30 days, default 1 hour)
 * @param canary how long the pending version is readable as {@code next} before promotion
 *     (0, the default, for none; at most 7 days)
 * @param params the rotator's settings: at most {@value #MAX_PARAMS}, names {@code [A-Za-z][A-Za-z0-9_.-]{0,63}},
 *     values of at most {@value #MAX_PARAM_LENGTH} printable characters. Never secret material: a
 *     param that needs a credential names another secret by path
 * @param enabled whether the engine rotates on schedule; a disabled policy keeps reporting when
 *     rotation is due
 * @param maxAttempts how many failed attempts one run makes before it ends {@code FAILED} (1 to 20, default 5)
 */
public record RotationPolicy(
        String rotator,
        RotationSchedule schedule,
        Duration window,
        Duration overlap,
        Duration canary,
        Map<String, String> params,
        boolean enabled,
        int maxAttempts) {

    /** The rotator that never runs: rotation is tracked, a person adds and promotes versions. */
    public static final String MANUAL_OVERLAP = "manual-overlap";
    /** The shortest window, in minutes. */
    public static final int MIN_WINDOW_MINUTES = 1;
    /** The most params a policy holds. */
    public static final int MAX_PARAMS = 32;
    /** The longest param value. */
    public static final int MAX_PARAM_LENGTH = 1024;
    /** The most attempts a run may be given. */
    public static final int MAX_ATTEMPTS = 20;
    static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
    static final Duration DEFAULT_OVERLAP = Duration.ofHours(1);
    static final int DEFAULT_ATTEMPTS = 5;
    private static final Duration MAX_WINDOW = Duration.ofDays(7);
    private static final Duration MAX_OVERLAP = Duration.ofDays(30);
    private static final Duration MAX_CANARY = Duration.ofDays(7);
    private static final Pattern ROTATOR = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,63}");

    public RotationPolicy {
        if (rotator == null || !ROTATOR.matcher(rotator).matches()) {
            throw invalid("rotator must match [a-z][a-z0-9-]{0,62}, got '" + Messages.printable(String.valueOf(rotator)) + "'");
        }
        if (schedule == null) {
            throw invalid("schedule is required");
        }
        window = bounded("window", window == null ? DEFAULT_WINDOW : window, Duration.ofMinutes(MIN_WINDOW_MINUTES), MAX_WINDOW);
        overlap = bounded("overlap", overlap == null ? DEFAULT_OVERLAP : overlap, Duration.ZERO, MAX_OVERLAP);
        canary = bounded("canary", canary == null ? Duration.ZERO : canary, Duration.ZERO, MAX_CANARY);
        params = checkedParams(params);
        if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
            throw invalid("maxAttempts must be between 1 and " + MAX_ATTEMPTS + ", got " + maxAttempts);
        }
        if (schedule.period().isPresent() && window.compareTo(schedule.period().get()) > 0) {
            throw invalid("window (" + window + ") must not be longer than the schedule's period (" + schedule + ")");
        }
    }

    /** Starts a builder with the defaults: window 1h, overlap 1h, no canary, no params, enabled, 5 attempts. */
    public static Builder builder(String rotator, RotationSchedule schedule) {
        return new Builder(rotator, schedule);
    }

    /** A builder holding this policy's fields, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder(rotator, schedule);
        b.window = window;
        b.overlap = overlap;
        b.canary = canary;
        b.params.putAll(params);
        b.enabled = enabled;
        b.maxAttempts = maxAttempts;
        return b;
    }

    /** Whether the engine runs this policy: enabled and not {@code manual-overlap}. */
    public boolean isAutomatic() {
        return enabled && !MANUAL_OVERLAP.equals(rotator);
    }

    /** A param's value, or {@code null}. */
    public String param(String name) {
        return params.get(name);
    }

    private static Duration bounded(String field, Duration d, Duration min, Duration max) {
        if (d.getNano() != 0) {
            throw invalid(field + " must be whole seconds, got " + d);
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw invalid(field + " must be between " + min + " and " + max + ", got " + d);
        }
        return d;
    }

    private static Map<String, String> checkedParams(Map<String, String> given) {
        if (given == null || given.isEmpty()) {
            return Map.of();
        }
        if (given.size() > MAX_PARAMS) {
            throw invalid("a rotation policy holds at most " + MAX_PARAMS + " params, got " + given.size());
        }
        Map<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> e : given.entrySet()) {
            String name = e.getKey();
            if (name == null || !PARAM_NAME.matcher(name).matches()) {
                throw invalid("param name must match [A-Za-z][A-Za-z0-9_.-]{0,63}, got '" + Messages.printable(String.valueOf(name)) + "'");
            }
            String value = Objects.requireNonNullElse(e.getValue(), "");
            if (value.length() > MAX_PARAM_LENGTH) {
                throw invalid("param " + name + " is longer than " + MAX_PARAM_LENGTH + " characters");
            }
            if (value.chars().anyMatch(Character::isISOControl)) {
                throw invalid("param " + name + " holds a control character");
            }
            sorted.put(name, value);
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(sorted));
    }

    private static InvalidRequestException invalid(String message) {
        return new InvalidRequestException(ErrorCode.INVALID_ROTATION_POLICY, message);
    }

    /** Builds a {@link RotationPolicy}; validation happens in {@link #build()}. */
    public static final class Builder {
        private final String rotator;
        private final RotationSchedule schedule;
        private Duration window = DEFAULT_WINDOW;
        private Duration overlap = DEFAULT_OVERLAP;
        private Duration canary = Duration.ZERO;
        private final Map<String, String> params = new LinkedHashMap<>();
        private boolean enabled = true;
        private int maxAttempts = DEFAULT_ATTEMPTS;

        private Builder(String rotator, RotationSchedule schedule) {
            this.rotator = rotator;
            this.schedule = schedule;
        }

        /** How long one run may keep retrying. */
        public Builder window(Duration d) {
            this.window = d;
            return this;
        }

        /** How long the old version stays readable as {@code previous} after a promotion. */
        public Builder overlap(Duration d) {
            this.overlap = d;
            return this;
        }

        /** How long the pending version is readable as {@code next} before promotion. */
        public Builder canary(Duration d) {
            this.canary = d;
            return this;
        }

        /** Adds one rotator param. */
        public Builder param(String name, String value) {
            this.params.put(name, value);
            return this;
        }

        /** Replaces every param. */
        public Builder params(Map<String, String> all) {
            this.params.clear();
            if (all != null) {
                this.params.putAll(all);
            }
            return this;
        }

        /** Whether the engine rotates on schedule. */
        public Builder enabled(boolean on) {
            this.enabled = on;
            return this;
        }

        /** Failed attempts one run makes before it ends {@code FAILED}. */
        public Builder maxAttempts(int n) {
            this.maxAttempts = n;
            return this;
        }

        /** The policy; throws {@code INVALID_ROTATION_POLICY} naming the rule broken. */
        public RotationPolicy build() {
            return new RotationPolicy(rotator, schedule, window, overlap, canary, params, enabled, maxAttempts);
        }
    }
}
