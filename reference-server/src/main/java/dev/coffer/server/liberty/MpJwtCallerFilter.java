package dev.coffer.server.liberty;

import dev.coffer.server.api.RequestFacts;
import dev.coffer.server.api.problem.Problems;
import dev.coffer.server.auth.CallerPrincipal;
import dev.coffer.server.auth.CallerSecurityContext;
import dev.coffer.server.auth.ClaimMapping;
import dev.coffer.server.auth.TokenRejectedException;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.error.SecretsException;
import jakarta.annotation.Priority;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * On Liberty the {@code mpJwt} feature verifies the bearer token (signature, {@code iss},
 * {@code aud}, {@code exp}) before the request reaches JAX-RS; this filter maps the verified
 * {@link JsonWebToken} with the standalone server's {@link ClaimMapping} to the
 * {@link CallerPrincipal} the resources read, and records the caller's address. A request that
 * arrives without a verified token (which {@code web.xml}'s constraint should make impossible) is
 * refused with 401 — deny by default, as standalone. (Health is the {@code mpHealth} feature's,
 * outside this application.)
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public final class MpJwtCallerFilter implements ContainerRequestFilter {
    @Context
    HttpServletRequest servletRequest;

    @Override
    public void filter(ContainerRequestContext request) {
        if (servletRequest != null && request.getProperty(RequestFacts.SOURCE_IP) == null) {
            request.setProperty(RequestFacts.SOURCE_IP, servletRequest.getRemoteAddr());
        }
        SecurityContext security = request.getSecurityContext();
        Principal principal = security == null ? null : security.getUserPrincipal();
        if (!(principal instanceof JsonWebToken jwt)) {
            request.abortWith(Problems.unauthenticated("a bearer token is required (Authorization: Bearer <token>)", false));
            return;
        }
        AccessContext context;
        try {
            context = RequestFacts.contextFor(ClaimMapping.principal(jwt), request);
        } catch (TokenRejectedException e) {
            request.abortWith(Problems.unauthenticated(e.getMessage(), true));
            return;
        } catch (SecretsException e) { // reason or ticket header refused
            request.abortWith(Problems.response(e.code(), e.getMessage()));
            return;
        }
        request.setSecurityContext(new CallerSecurityContext(new CallerPrincipal(context), security.isSecure(), "MP-JWT"));
    }
}
