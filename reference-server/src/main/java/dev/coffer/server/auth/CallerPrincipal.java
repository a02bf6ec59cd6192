package dev.coffer.server.auth;

import dev.coffer.spi.access.AccessContext;
import java.util.Objects;

/**
 * The authenticated caller as the JAX-RS {@link jakarta.ws.rs.core.SecurityContext} reports it:
 * a {@link java.security.Principal} carrying the request's complete {@link AccessContext}.
 *
 * @param context who calls, from where, with which request id, reason and ticket
 * @param expiresAt when the caller's token expires ({@code exp}), or {@code null} when unknown;
 *        a change stream ends then
 */
public record CallerPrincipal(AccessContext context, java.time.Instant expiresAt) implements java.security.Principal {
    public CallerPrincipal {
        Objects.requireNonNull(context, "context");
    }

    /** A caller whose token's expiry is not known. */
    public CallerPrincipal(AccessContext context) {
        this(context, null);
    }

    /** The expiry of {@code jwt} ({@code exp}, seconds since the epoch), or {@code null} when it has none. */
    public static java.time.Instant expiryOf(org.eclipse.microprofile.jwt.JsonWebToken jwt) {
        long exp = jwt.getExpirationTime();
        return exp > 0 ? java.time.Instant.ofEpochSecond(exp) : null;
    }

    @Override
    public String getName() {
        return context.principal().id();
    }
}
