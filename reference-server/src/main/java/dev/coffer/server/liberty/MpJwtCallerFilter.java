package dev.coffer.server.liberty;

import dev.coffer.server.api.RequestFacts;
import dev.coffer.server.api.problem.Problems;
import dev.coffer.server.auth.AuthenticationFailures;
import dev.coffer.server.auth.CallerPrincipal;
import dev.coffer.server.auth.CallerSecurityContext;
import dev.coffer.server.auth.ClaimMapping;
import dev.coffer.server.auth.TokenBounds;
import dev.coffer.server.auth.TokenRejectedException;
import dev.coffer.server.auth.TokenRejectedException.Reason;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.error.SecretsException;
import jakarta.annotation.Priority;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;
import java.time.Instant;
import java.util.Objects;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * On Liberty the {@code mpJwt} feature verifies the bearer token (signature, {@code iss},
 * {@code aud}, {@code exp}) before the request reaches JAX-RS; this filter then applies the
 * standalone server's own rules to the verified {@link JsonWebToken} — the {@link TokenBounds}
 * (lifetime, {@code iat} not in the future) and the {@link ClaimMapping} (tenant claim rule, ...) —
 * to make the {@link CallerPrincipal} the resources read, and records the caller's address. Its
 * refusals are counted and logged by {@link AuthenticationFailures}, as standalone. A request that
 * arrives without a verified token is refused with 401 — deny by default, as standalone: the
 * container does not demand one ({@code web.xml} has no security constraint, so a missing token is
 * not logged as a server error), it verifies those that are sent. (Health is the {@code mpHealth}
 * feature's, outside this application.)
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public final class MpJwtCallerFilter implements ContainerRequestFilter {
    @Context
    HttpServletRequest servletRequest;

    private final TokenBounds bounds;
    private final AuthenticationFailures failures;

    public MpJwtCallerFilter(TokenBounds bounds, AuthenticationFailures failures) {
        this.bounds = Objects.requireNonNull(bounds, "bounds");
        this.failures = Objects.requireNonNull(failures, "failures");
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (servletRequest != null && request.getProperty(RequestFacts.SOURCE_IP) == null) {
            request.setProperty(RequestFacts.SOURCE_IP, servletRequest.getRemoteAddr());
        }
        SecurityContext security = request.getSecurityContext();
        Principal principal = security == null ? null : security.getUserPrincipal();
        if (!(principal instanceof JsonWebToken jwt)) {
            if (request.getHeaderString(HttpHeaders.AUTHORIZATION) != null) {
                // sent, but not a token mpJwt accepted
                failures.record(Reason.INVALID);
                request.abortWith(Problems.unauthenticated("the bearer token was rejected (signature, issuer, audience or expiry)", true));
            } else {
                failures.record(Reason.MISSING);
                request.abortWith(Problems.unauthenticated("a bearer token is required (Authorization: Bearer <token>)", false));
            }
            return;
        }
        AccessContext context;
        try {
            bounds.check(jwt, Instant.now());
            context = RequestFacts.contextFor(ClaimMapping.principal(jwt), request);
        } catch (TokenRejectedException e) {
            failures.record(e.reason());
            request.abortWith(Problems.unauthenticated(e.getMessage(), true));
            return;
        } catch (SecretsException e) { // reason or ticket header refused
            request.abortWith(Problems.response(e.code(), e.getMessage()));
            return;
        }
        request.setSecurityContext(new CallerSecurityContext(new CallerPrincipal(context, CallerPrincipal.expiryOf(jwt)), security.isSecure(), "MP-JWT"));
    }
}
