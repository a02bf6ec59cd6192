package dev.coffer.server.api.problem;

import dev.coffer.spi.error.ErrorCode;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/** Builds problem responses. */
public final class Problems {
    /** The code of an unexpected server failure; {@link ErrorCode} has none because the kernel never raises it. */
    public static final String INTERNAL_ERROR = "INTERNAL_ERROR";
    /** 408: the request body did not arrive in full in time (the HTTP layer's code; the kernel never raises it). */
    public static final String REQUEST_TIMEOUT = "REQUEST_TIMEOUT";
    /** 503: every worker the API may use is busy and the request waited too long for one (the HTTP layer's code). */
    public static final String SERVER_BUSY = "SERVER_BUSY";

    /*
     * Routing codes: the JAX-RS layer's own answers when no resource method takes the request.
     * They live here, beside the other HTTP-layer codes, and not in ErrorCode: no kernel and no
     * other transport (the ConfigSource, the CLI) can raise them.
     */
    /** 404: no route has that path (an unknown id on an id route is {@code SECRET_NOT_FOUND} instead). */
    public static final String ROUTE_NOT_FOUND = "ROUTE_NOT_FOUND";
    /** 405: the path has routes, but none for that method; the {@code Allow} header lists those it has. */
    public static final String METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED";
    /** 406: the route cannot answer in any media type the {@code Accept} header allows. */
    public static final String NOT_ACCEPTABLE = "NOT_ACCEPTABLE";
    /** 415: the route does not take a body of that {@code Content-Type}. */
    public static final String UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE";

    private Problems() {}

    /** A response for {@code code} with its usual status. */
    public static Response response(ErrorCode code, String detail) {
        return response(Problem.of(code.httpStatus(), code.name(), detail));
    }

    /** A response carrying {@code problem}. */
    public static Response response(Problem problem) {
        return Response.status(problem.status())
                .type(Problem.MEDIA_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .entity(problem)
                .build();
    }

    /**
     * 401 with the RFC 6750 challenge. {@code error} is {@code null} when no token was sent and
     * {@code invalid_token} when one was sent but refused.
     */
    public static Response unauthenticated(String detail, boolean tokenSent) {
        String challenge = tokenSent
                ? "Bearer realm=\"coffer\", error=\"invalid_token\""
                : "Bearer realm=\"coffer\"";
        return Response.fromResponse(response(ErrorCode.UNAUTHENTICATED, detail))
                .header(HttpHeaders.WWW_AUTHENTICATE, challenge)
                .build();
    }
}
