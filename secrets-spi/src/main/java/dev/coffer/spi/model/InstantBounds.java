package dev.coffer.spi.model;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import java.time.Instant;

/**
 * The instants Coffer accepts from callers (a version's {@code expiresAt}, audit query bounds):
 * from {@value #EARLIEST_TEXT} to {@value #LATEST_TEXT}. Four-digit years from the Unix epoch on
 * are stored exactly by every supported database, written by ISO-8601 without a sign, and leave
 * room for arithmetic (a rotation due date) without overflow.
 *
 * <pre>{@code
 * InstantBounds.require("expiresAt", Instant.parse("2040-01-01T00:00:00Z")); // returned unchanged
 * }</pre>
 */
public final class InstantBounds {
    /** The earliest instant accepted, as text. */
    public static final String EARLIEST_TEXT = "1970-01-01T00:00:00Z";
    /** The latest instant accepted, as text. */
    public static final String LATEST_TEXT = "9999-12-31T23:59:59Z";
    /** The earliest instant accepted. */
    public static final Instant EARLIEST = Instant.parse(EARLIEST_TEXT);
    /** The latest instant accepted. */
    public static final Instant LATEST = Instant.parse(LATEST_TEXT);

    private InstantBounds() {}

    /**
     * Returns {@code at} (or {@code null}) if it lies within the bounds.
     *
     * @throws InvalidRequestException with {@link ErrorCode#INVALID_ARGUMENT} naming the field and the bounds
     */
    public static Instant require(String field, Instant at) {
        if (at != null && (at.isBefore(EARLIEST) || at.isAfter(LATEST))) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT,
                    field + " must lie between " + EARLIEST_TEXT + " and " + LATEST_TEXT);
        }
        return at;
    }
}
