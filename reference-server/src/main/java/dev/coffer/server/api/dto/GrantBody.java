package dev.coffer.server.api.dto;

import dev.coffer.server.internal.Instants;
import dev.coffer.spi.access.BreakGlassGrant;
import java.util.List;

/**
 * A break-glass grant.
 *
 * @param id {@code bg_...}
 * @param principal who it was granted to
 * @param resources what it covers
 * @param reason stated reason
 * @param ticketUrl incident ticket
 * @param createdAt when granted
 * @param expiresAt when it stops working
 */
public record GrantBody(String id, String principal, List<String> resources, String reason, String ticketUrl,
        String createdAt, String expiresAt) {
    /** The body of {@code g}. */
    public static GrantBody from(BreakGlassGrant g) {
        return new GrantBody(g.id(), g.principalId(), g.resources(), g.reason(), g.ticketUrl(),
                Instants.format(g.createdAt()), Instants.format(g.expiresAt()));
    }
}
