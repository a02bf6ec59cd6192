package dev.coffer.server.api;

import dev.coffer.server.auth.CallerPrincipal;
import dev.coffer.spi.access.AccessContext;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.core.SecurityContext;

/** The caller of a request, as the authentication filter established it. */
public final class Callers {
    private Callers() {}

    /**
     * The access context of the authenticated caller. Fails closed (401) when the request was not
     * authenticated, which the filters make impossible for every route but {@code /health}.
     */
    public static AccessContext context(SecurityContext security) {
        if (security != null && security.getUserPrincipal() instanceof CallerPrincipal caller) {
            return caller.context();
        }
        throw new NotAuthorizedException("Bearer realm=\"coffer\"");
    }
}
