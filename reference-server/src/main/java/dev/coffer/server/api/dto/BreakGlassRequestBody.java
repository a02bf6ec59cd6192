package dev.coffer.server.api.dto;

import dev.coffer.spi.access.BreakGlassRequest;
import java.util.List;

/**
 * {@code POST /v1/break-glass/grants}.
 *
 * @param resources resource patterns, e.g. {@code prod/payments/*}
 * @param reason why
 * @param ticketUrl incident ticket
 * @param durationMinutes 1 to 240
 */
public record BreakGlassRequestBody(List<String> resources, String reason, String ticketUrl, Integer durationMinutes) {

    /** The API request. */
    public BreakGlassRequest toRequest() {
        return new BreakGlassRequest(resources, reason, ticketUrl, durationMinutes == null ? 0 : durationMinutes);
    }
}
