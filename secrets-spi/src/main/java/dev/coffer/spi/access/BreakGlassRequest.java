package dev.coffer.spi.access;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.internal.PlainText;
import java.util.List;

/**
 * A request for emergency read access. Reason and ticket are mandatory; the duration is bounded
 * by {@value #MAX_DURATION_MINUTES} minutes.
 *
 * @param resources resource patterns to read, e.g. {@code prod/payments/*}
 * @param reason why normal access is not enough
 * @param ticketUrl the incident ticket
 * @param durationMinutes how long the grant lasts, 1 to {@value #MAX_DURATION_MINUTES}
 */
public record BreakGlassRequest(List<String> resources, String reason, String ticketUrl, int durationMinutes) {
    /** Upper bound of a grant: four hours. */
    public static final int MAX_DURATION_MINUTES = 240;

    public BreakGlassRequest {
        if (resources == null || resources.isEmpty()) {
            throw invalid("break-glass request must name at least one resource");
        }
        resources = List.copyOf(resources);
        resources.forEach(ResourcePattern::parse);
        if (reason == null || reason.isBlank()) {
            throw invalid("break-glass request needs a reason");
        }
        if (ticketUrl == null || ticketUrl.isBlank()) {
            throw invalid("break-glass request needs a ticket");
        }
        if (reason.length() > 512 || ticketUrl.length() > 512) {
            throw invalid("break-glass reason and ticket are limited to 512 characters");
        }
        PlainText.require("reason", reason);
        PlainText.require("ticketUrl", ticketUrl);
        if (durationMinutes < 1 || durationMinutes > MAX_DURATION_MINUTES) {
            throw invalid("break-glass duration must be 1 to " + MAX_DURATION_MINUTES + " minutes, got " + durationMinutes);
        }
    }

    private static InvalidRequestException invalid(String message) {
        return new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
