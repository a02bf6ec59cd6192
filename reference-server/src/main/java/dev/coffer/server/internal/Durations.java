package dev.coffer.server.internal;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import java.time.Duration;

/**
 * Durations in API fields and CLI options ({@code 90d}, {@code 12h}, ISO-8601 {@code P90D}), parsed
 * by {@link dev.coffer.spi.internal.Durations}; a malformed one is a 400 {@code INVALID_ARGUMENT}
 * naming the field and the accepted forms, not the text sent. Not API.
 */
public final class Durations {
    private Durations() {}

    /** The duration {@code text} names, for the field {@code field} (named in the error message). */
    public static Duration parse(String field, String text) {
        try {
            return dev.coffer.spi.internal.Durations.parse(field, text);
        } catch (IllegalArgumentException e) {
            // The parser's message quotes the text (useful for a local setting, not in a response).
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT,
                    field + " is not a duration; write e.g. 60s, 5m, 12h, 90d or ISO-8601 P90D");
        }
    }
}
