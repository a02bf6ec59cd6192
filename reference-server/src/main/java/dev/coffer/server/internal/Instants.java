package dev.coffer.server.internal;

import dev.coffer.spi.internal.Messages;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Parses ISO-8601 instants ({@code 2025-01-31T12:00:00Z} or with an offset). Not API. */
public final class Instants {
    private Instants() {}

    /** The instant {@code text} names, or {@code null} when {@code text} is null or blank. */
    public static Instant parseOrNull(String field, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, field + " '" + Messages.printable(text)
                    + "' is not an ISO-8601 instant such as 2025-01-31T12:00:00Z");
        }
    }

    /** {@code instant} as ISO-8601, or {@code null}. */
    public static String format(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
