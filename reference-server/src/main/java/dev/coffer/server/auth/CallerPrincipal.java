package dev.coffer.server.auth;

import dev.coffer.spi.access.AccessContext;
import java.util.Objects;

/**
 * The authenticated caller as the JAX-RS {@link jakarta.ws.rs.core.SecurityContext} reports it:
 * a {@link java.security.Principal} carrying the request's complete {@link AccessContext}.
 *
 * @param context who calls, from where, with which request id, reason and ticket
 */
public record CallerPrincipal(AccessContext context) implements java.security.Principal {
    public CallerPrincipal {
        Objects.requireNonNull(context, "context");
    }

    @Override
    public String getName() {
        return context.principal().id();
    }
}
