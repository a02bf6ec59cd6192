package dev.coffer.server.api.dto;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.rotation.RotationPolicy;
import dev.coffer.spi.rotation.RotationSchedule;
import java.time.Duration;
import java.util.Map;

/**
 * A rotation policy, in requests ({@code PUT /v1/secrets/{id}/rotation}) and responses. Durations
 * are read as {@code 90m}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT2H}) and written as
 * ISO-8601, like {@code rotationPeriod}; absent fields take the policy's defaults. Every rule
 * (rotator name, schedule, bounds of window, overlap and canary, param count and length, attempts)
 * is {@link RotationPolicy}'s, and a broken one is a 400 {@code INVALID_ROTATION_POLICY}.
 *
 * @param rotator the rotator's name ({@code generated}, {@code postgresql}, {@code webhook}, {@code manual-overlap})
 * @param schedule a period ({@code 30d}) or a cron expression in UTC ({@code 0 3 * * 1})
 * @param window how long one run may keep retrying (default 1 hour)
 * @param overlap how long the old version stays readable as {@code previous} (default 1 hour)
 * @param canary how long the pending version is readable as {@code next} before promotion (default none)
 * @param params the rotator's settings (names of other secrets, never secret material)
 * @param enabled whether the engine rotates on schedule (default true)
 * @param maxAttempts failed attempts before a run ends {@code FAILED} (default 5)
 */
public record RotationPolicyBody(String rotator, String schedule, String window, String overlap, String canary,
        Map<String, String> params, Boolean enabled, Integer maxAttempts) {

    /** The API policy; throws {@code INVALID_ROTATION_POLICY} naming the field and the rule. */
    public RotationPolicy toPolicy() {
        if (rotator == null) {
            throw invalid("field 'rotator' is required");
        }
        RotationPolicy.Builder builder = RotationPolicy.builder(rotator, RotationSchedule.parse(schedule));
        if (window != null) {
            builder.window(duration("window", window));
        }
        if (overlap != null) {
            builder.overlap(duration("overlap", overlap));
        }
        if (canary != null) {
            builder.canary(duration("canary", canary));
        }
        if (params != null) {
            builder.params(params);
        }
        if (enabled != null) {
            builder.enabled(enabled);
        }
        if (maxAttempts != null) {
            builder.maxAttempts(maxAttempts);
        }
        return builder.build();
    }

    /** The body of {@code p}. */
    public static RotationPolicyBody from(RotationPolicy p) {
        return new RotationPolicyBody(p.rotator(), p.schedule().expression(), p.window().toString(), p.overlap().toString(),
                p.canary().toString(), p.params(), p.enabled(), p.maxAttempts());
    }

    private static Duration duration(String field, String text) {
        try {
            return dev.coffer.spi.internal.Durations.parse(field, text);
        } catch (IllegalArgumentException e) {
            // The parser's message quotes the text; a response names the field and the forms only.
            throw invalid(field + " is not a duration; write e.g. 90m, 2h, 1d or ISO-8601 PT2H");
        }
    }

    private static InvalidRequestException invalid(String message) {
        return new InvalidRequestException(ErrorCode.INVALID_ROTATION_POLICY, message);
    }
}
