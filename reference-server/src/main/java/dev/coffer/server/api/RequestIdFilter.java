package dev.coffer.server.api;

import dev.coffer.server.api.problem.Problem;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Gives every request an id: the caller's {@code X-Request-Id} when it is a plain token of at
 * most 128 characters, a fresh UUID otherwise. Every response echoes it in the header, problem
 * bodies carry it, and the access context passes it into audit events. API responses are marked
 * {@code Cache-Control: no-store}.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION - 200)
public final class RequestIdFilter implements ContainerRequestFilter, ContainerResponseFilter {
    private static final Logger LOG = Logger.getLogger(RequestIdFilter.class.getName());
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(RequestFacts.REQUEST_ID, requestId(request.getHeaderString(RequestFacts.REQUEST_ID_HEADER)));
    }

    /**
     * The request id for a request whose {@code X-Request-Id} header is {@code given}: the header
     * when it is a token of at most 128 {@code [A-Za-z0-9._:-]}, else a fresh UUID.
     */
    public static String requestId(String given) {
        return given != null && ACCEPTED.matcher(given).matches() ? given : UUID.randomUUID().toString();
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object id = request.getProperty(RequestFacts.REQUEST_ID);
        if (id == null) { // a request refused before the request filter ran
            id = UUID.randomUUID().toString();
        }
        response.getHeaders().putSingle(RequestFacts.REQUEST_ID_HEADER, id);
        if (!response.getHeaders().containsKey(HttpHeaders.CACHE_CONTROL)) {
            response.getHeaders().putSingle(HttpHeaders.CACHE_CONTROL, "no-store");
        }
        if (response.getEntity() instanceof Problem problem && problem.requestId() == null) {
            response.setEntity(problem.withRequestId(id.toString()));
        }
        if (response.getStatus() >= 500) {
            LOG.warning("request " + id + " answered " + response.getStatus());
        }
    }
}
