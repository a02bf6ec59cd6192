package dev.coffer.server.liberty;

import dev.coffer.server.api.RequestFacts;
import dev.coffer.server.api.RequestIdFilter;
import dev.coffer.server.api.json.StrictJson;
import dev.coffer.server.api.problem.Problem;
import dev.coffer.server.auth.TokenRejectedException.Reason;
import dev.coffer.spi.error.ErrorCode;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.HttpHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The body of Liberty's own 401s. The container refuses a token that fails verification before
 * JAX-RS runs (a missing token is refused by {@link MpJwtCallerFilter}), so {@code web.xml} routes that error here to
 * answer with the same {@code application/problem+json} and {@code WWW-Authenticate} challenge
 * as the standalone server, and echoes an acceptable {@code X-Request-Id} like
 * {@link RequestIdFilter}. The detail never repeats what the caller sent. The refusal is counted
 * ({@code reason="invalid"} or {@code "missing"}) by the runtime's {@code AuthenticationFailures}.
 */
public class UnauthenticatedServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** Counts the refusal like the standalone filter does (mpJwt does not say why it refused). */
    private static void count(Reason reason) {
        try {
            CDI.current().select(CofferRuntime.class).get().authenticationFailures().record(reason);
        } catch (RuntimeException e) {
            // no CDI container (or the application is stopping): the 401 still goes out
        }
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean tokenSent = request.getHeader(HttpHeaders.AUTHORIZATION) != null;
        count(tokenSent ? Reason.INVALID : Reason.MISSING);
        String detail = tokenSent
                ? "the bearer token was rejected (signature, issuer, audience or expiry)"
                : "a bearer token is required (Authorization: Bearer <token>)";
        String requestId = RequestIdFilter.requestId(request.getHeader(RequestFacts.REQUEST_ID_HEADER));
        Problem problem = Problem.of(HttpServletResponse.SC_UNAUTHORIZED, ErrorCode.UNAUTHENTICATED.name(), detail)
                .withRequestId(requestId);
        byte[] body = StrictJson.jsonb().toJson(problem).getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, tokenSent
                ? "Bearer realm=\"coffer\", error=\"invalid_token\""
                : "Bearer realm=\"coffer\"");
        response.setHeader(RequestFacts.REQUEST_ID_HEADER, requestId);
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        response.setContentType(Problem.MEDIA_TYPE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
