package dev.coffer.server.auth;

import dev.coffer.server.api.RequestFacts;
import dev.coffer.server.api.problem.Problems;
import dev.coffer.server.auth.TokenRejectedException.Reason;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.error.SecretsException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.Objects;
import java.util.Set;

/**
 * Deny by default: every request needs a valid bearer token except {@code GET}/{@code HEAD} of
 * exactly {@code /health/live} and {@code /health/ready}. The filter runs before resource
 * matching, so a new resource method, or a path that matches nothing, is never reachable without
 * a token — there is no annotation to forget.
 *
 * <p>Refusals are 401 problems with {@code WWW-Authenticate: Bearer}; the reason is a fixed
 * phrase and never quotes the token. Each is counted and summarized in the log by
 * {@link AuthenticationFailures}. On success the request's
 * {@link jakarta.ws.rs.core.SecurityContext} carries a {@link CallerPrincipal}.
 *
 * <p>Tokens are verified through {@link VerifiedTokens}: a token seen before and not yet expired
 * is not verified again; the per-request facts (request id, source address, reason, ticket) are
 * read from every request.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public final class BearerTokenFilter implements ContainerRequestFilter {
    /** Paths (relative to the application root) reachable without a token. */
    public static final Set<String> OPEN_PATHS = Set.of("health/live", "health/ready");

    private static final int MAX_TOKEN_CHARS = 16 * 1024;
    private static final String BEARER = "Bearer ";

    private final VerifiedTokens tokens;
    private final AuthenticationFailures failures;

    /** Verifies with {@code verifier}, keeping up to {@value VerifiedTokens#DEFAULT_MAXIMUM_SIZE} verified tokens. */
    public BearerTokenFilter(TokenVerifier verifier, AuthenticationFailures failures) {
        this(new VerifiedTokens(verifier), failures);
    }

    /** Verifies through {@code tokens}. */
    public BearerTokenFilter(VerifiedTokens tokens, AuthenticationFailures failures) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.failures = Objects.requireNonNull(failures, "failures");
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (isOpen(request)) {
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            failures.record(Reason.MISSING);
            request.abortWith(Problems.unauthenticated("a bearer token is required (Authorization: Bearer <token>)", false));
            return;
        }
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            failures.record(Reason.MALFORMED);
            request.abortWith(Problems.unauthenticated("the Authorization header must use the Bearer scheme", true));
            return;
        }
        String token = header.substring(BEARER.length()).trim();
        if (token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            failures.record(Reason.MALFORMED);
            request.abortWith(Problems.unauthenticated("the bearer token is empty or too long", true));
            return;
        }
        AccessContext context;
        VerifiedTokens.Caller caller;
        try {
            caller = tokens.verify(token);
            context = RequestFacts.contextFor(caller.principal(), request);
        } catch (TokenRejectedException e) {
            failures.record(e.reason());
            request.abortWith(Problems.unauthenticated(e.getMessage(), true));
            return;
        } catch (SecretsException e) { // reason or ticket header refused
            request.abortWith(Problems.response(e.code(), e.getMessage()));
            return;
        }
        request.setSecurityContext(new CallerSecurityContext(new CallerPrincipal(context, caller.expiresAt()),
                request.getSecurityContext() != null && request.getSecurityContext().isSecure()));
    }

    private static boolean isOpen(ContainerRequestContext request) {
        String method = request.getMethod();
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
            return false;
        }
        String path = request.getUriInfo().getPath(false);
        if (path.startsWith("/")) {
            path = path.substring(1);
        }
        return OPEN_PATHS.contains(path);
    }
}
