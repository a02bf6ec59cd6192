package dev.coffer.server.api;

import dev.coffer.server.api.dto.SecretBody;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretRef;
import jakarta.ws.rs.core.Response;

/**
 * A {@code DELETE} of a secret, by id or by name: scheduled deletion (202 with the secret) or,
 * with {@code force=true}, deletion at once without recovery (204). The two do not mix.
 */
final class Deletions {
    private Deletions() {}

    static Response delete(SecretManager manager, AccessContext ctx, SecretRef secret, String recoveryWindowDays, String force) {
        Integer days = QueryParams.integer("recoveryWindowDays", recoveryWindowDays);
        if (force(force)) {
            if (days != null) {
                throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT,
                        "give either force=true (delete now, no recovery) or recoveryWindowDays, not both");
            }
            manager.forceDelete(ctx, secret);
            return Response.noContent().build();
        }
        Secret scheduled = days == null ? manager.scheduleDeletion(ctx, secret) : manager.scheduleDeletion(ctx, secret, days);
        return Response.accepted(SecretBody.from(scheduled)).build();
    }

    private static boolean force(String value) {
        if (value == null) {
            return false;
        }
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "query parameter 'force' must be true or false");
        };
    }
}
