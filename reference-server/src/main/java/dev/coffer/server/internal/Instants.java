package dev.coffer.server.internal;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.InstantBounds;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Parses ISO-8601 instants ({@code 2025-01-31T12:00:00Z} or with an offset) within
 * {@link InstantBounds}; errors name the field and the rule, not the text sent. Not API.
 */
public final class Instants {
    private Instants() {}

    /** The instant {@code text} names, or {@code null} when {@code text} is null or blank. */
    public static Instant parseOrNull(String field, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(text.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT,
                    field + " is not an ISO-8601 instant such as 2025-01-31T12:00:00Z");
        }
        return InstantBounds.require(field, at);
    }

    /** {@code instant} as ISO-8601, or {@code null}. */
    public static String format(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
