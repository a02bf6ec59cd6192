package dev.coffer.server.standalone;

import dev.coffer.server.api.RequestFacts;
import dev.coffer.server.api.RequestIdFilter;
import dev.coffer.server.api.json.StrictJson;
import dev.coffer.server.api.problem.Problem;
import dev.coffer.server.api.problem.Problems;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.internal.Messages;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors that Jetty answers itself, before or instead of a JAX-RS resource (a malformed URI or
 * header, broken chunking, a body too slow or too large, an overloaded server), as the same
 * {@code application/problem+json} as {@link Problems} produces: the code names are shared, the
 * detail is a fixed text for the status (never the request's own text), every answer carries a
 * request id.
 *
 * <p>Each refusal is logged once, in one short line: status, code, method and the path without its
 * query string, never a stack trace. (Jersey's Jetty container logged ~1.9 KB with a stack trace
 * and the full query string for each malformed URL; Jetty's HTML error page echoed the URI.)
 */
final class ProblemErrorHandler extends ErrorHandler {
    private static final Logger LOG = Logger.getLogger(ProblemErrorHandler.class.getName());
    /** Jetty's reasons are fixed phrases ("Ambiguous URI path separator"); anything else is not logged. */
    private static final Pattern PLAIN_REASON = Pattern.compile("[A-Za-z ]{1,64}");

    private final HttpLimits limits;

    ProblemErrorHandler(HttpLimits limits) {
        this.limits = limits;
        setShowStacks(false);
        setShowCauses(false);
    }

    @Override
    public boolean errorPageForMethod(String method) {
        return true; // a problem body for PUT, PATCH and DELETE too, not only GET, POST and HEAD
    }

    @Override
    protected void generateResponse(Request request, Response response, int status, String message, Throwable cause,
            Callback callback) {
        String id = RequestIdFilter.requestId(request.getHeaders().get(RequestFacts.REQUEST_ID_HEADER));
        Problem problem = problem(status, message).withRequestId(id);
        // Jetty hands a request it could not parse on as "BAD /badMessage"; say what it was instead.
        boolean unparsed = "BAD".equals(request.getMethod());
        String what = unparsed ? "a malformed request" : request.getMethod() + " "
                // the path as sent (still percent-encoded), never the query
                + Messages.printable(Objects.requireNonNullElse(request.getHttpURI().getPath(), ""));
        log(status, problem.code(), what, message);
        HttpFields.Mutable headers = response.getHeaders();
        if (unparsed) {
            // Jetty closes the connection after a message it could not parse; say so, or a client
            // would send its next request on a connection that is going away
            headers.put(HttpHeader.CONNECTION, "close");
        }
        headers.put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
        headers.put(RequestFacts.REQUEST_ID_HEADER, id);
        response.write(true, ByteBuffer.wrap(json(problem)), callback);
    }

    /** A request so malformed that Jetty's parser refused it before there was a request to hand on. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        String id = UUID.randomUUID().toString();
        Problem problem = problem(status, reason).withRequestId(id);
        log(status, problem.code(), "a malformed request", reason);
        fields.put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        fields.put(HttpHeader.CACHE_CONTROL, "no-store");
        fields.put(HttpHeader.CONNECTION, "close");
        fields.put(RequestFacts.REQUEST_ID_HEADER, id);
        return ByteBuffer.wrap(json(problem));
    }

    private Problem problem(int status, String reason) {
        return switch (status) {
            case 400 -> Problem.of(400, ErrorCode.INVALID_ARGUMENT.name(), detail400(reason));
            case 408 -> Problem.of(408, Problems.REQUEST_TIMEOUT,
                    "the request body did not arrive in full within " + limits.bodyReadTimeout().toSeconds() + " s");
            case 413 -> Problem.of(413, ErrorCode.VALUE_TOO_LARGE.name(),
                    "request body is larger than " + limits.maxBodyBytes() + " bytes");
            case 414 -> Problem.of(414, ErrorCode.INVALID_ARGUMENT.name(), "request URI is too long");
            case 431 -> Problem.of(431, ErrorCode.INVALID_ARGUMENT.name(), "request headers are too large");
            case 503 -> Problem.of(503, Problems.SERVER_BUSY, "the server is busy; retry shortly");
            // RFC 9110 answers for what the client sent, not server failures
            case 501 -> Problem.of(501, ErrorCode.INVALID_ARGUMENT.name(), "the request uses a transfer coding this server does not implement");
            case 505 -> Problem.of(505, ErrorCode.INVALID_ARGUMENT.name(), "HTTP version not supported; use HTTP/1.1");
            default -> Problem.of(status, status >= 500 ? Problems.INTERNAL_ERROR : ErrorCode.INVALID_ARGUMENT.name(),
                    "HTTP " + status);
        };
    }

    private static String detail400(String reason) {
        if (QueryEncodingHandler.REASON.equals(reason)) {
            return "malformed query string: every '%' must start a percent-escape of UTF-8";
        }
        if (reason != null && reason.startsWith("Ambiguous")) {
            return "the URI path is ambiguous (an encoded '.', '..', '%' or '\\', or a ';' parameter);"
                    + " send the segments of a secret's path as they are (an encoded '/' is accepted)";
        }
        return "malformed request: the URI, a header or the body's framing is not valid HTTP";
    }

    private static byte[] json(Problem problem) {
        return StrictJson.jsonb().toJson(problem).getBytes(StandardCharsets.UTF_8);
    }

    private static void log(int status, String code, String what, String reason) {
        if (LOG.isLoggable(Level.INFO)) {
            String why = reason != null && PLAIN_REASON.matcher(reason).matches() ? " (" + reason + ")" : "";
            LOG.info("HTTP " + status + " " + code + " for " + what + why);
        }
    }
}
