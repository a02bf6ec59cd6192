package dev.coffer.server.api.problem;

import dev.coffer.spi.error.ErrorCode;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Turns the runtime's own HTTP errors (no such route, method not allowed, unsupported media type)
 * into problems. The status is kept; routing statuses get their own codes ({@link Problems#ROUTE_NOT_FOUND},
 * {@link Problems#METHOD_NOT_ALLOWED}, {@link Problems#NOT_ACCEPTABLE}, {@link Problems#UNSUPPORTED_MEDIA_TYPE}),
 * 401 and 403 theirs, and any other client error is {@code INVALID_ARGUMENT}. The runtime's message
 * is not echoed: it may quote the request.
 */
@Provider
public final class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {
    @Override
    public Response toResponse(WebApplicationException e) {
        Response original = e.getResponse();
        if (original.hasEntity() && original.getEntity() instanceof Problem) {
            return original;
        }
        int status = original.getStatus();
        String code = switch (status) {
            case 401 -> ErrorCode.UNAUTHENTICATED.name();
            case 403 -> ErrorCode.ACCESS_DENIED.name();
            case 404 -> Problems.ROUTE_NOT_FOUND;
            case 405 -> Problems.METHOD_NOT_ALLOWED;
            case 406 -> Problems.NOT_ACCEPTABLE;
            case 415 -> Problems.UNSUPPORTED_MEDIA_TYPE;
            default -> status >= 500 ? Problems.INTERNAL_ERROR : ErrorCode.INVALID_ARGUMENT.name();
        };
        String reason = original.getStatusInfo().getReasonPhrase();
        Response.ResponseBuilder out = Response.fromResponse(Problems.response(Problem.of(status, code,
                reason == null || reason.isBlank() ? "HTTP " + status : reason)));
        if (status == 405) {
            out.allow(original.getAllowedMethods());
        }
        if (status == 401) {
            out.header(jakarta.ws.rs.core.HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"coffer\"");
        }
        return out.build();
    }
}
