package dev.coffer.spi.access;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Emergency read access given to one principal for a bounded time. Reads under it are audited
 * as {@code BREAK_GLASS_READ} with the grant's reason and ticket.
 *
 * @param id grant id, {@code bg_} followed by random base32
 * @param tenant tenant
 * @param principalId the principal it was granted to
 * @param resources resource patterns it covers
 * @param reason stated reason
 * @param ticketUrl incident ticket
 * @param createdAt when it was granted
 * @param expiresAt when it stops working
 */
public record BreakGlassGrant(
        String id, String tenant, String principalId, List<String> resources, String reason, String ticketUrl,
        Instant createdAt, Instant expiresAt) {

    public BreakGlassGrant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(principalId, "principalId");
        resources = List.copyOf(resources);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** Whether the grant is in force at {@code now}. */
    public boolean activeAt(Instant now) {
        return !now.isBefore(createdAt) && now.isBefore(expiresAt);
    }

    /** Whether the grant covers the secret at {@code path}. */
    public boolean covers(dev.coffer.spi.model.SecretPath path) {
        return tenant.equals(path.tenant()) && resources.stream().map(ResourcePattern::parse).anyMatch(p -> p.matches(path));
    }
}
