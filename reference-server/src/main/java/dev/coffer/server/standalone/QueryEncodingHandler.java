package dev.coffer.server.standalone;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.UrlEncoded;

/**
 * Refuses a query string that is not valid percent-encoded UTF-8 ({@code ?prefix=%zz}) with 400,
 * before anything reads it. Jetty checks the path's encoding but leaves the query to the
 * application, and JAX-RS decodes bad escapes leniently, so {@code %zz} would otherwise reach a
 * resource as a different value than the client meant.
 */
final class QueryEncodingHandler extends Handler.Wrapper {
    /** The reason {@link ProblemErrorHandler} turns into its detail. */
    static final String REASON = "Bad query encoding";

    QueryEncodingHandler(Handler next) {
        super(next);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String query = request.getHttpURI().getQuery();
        if (query != null && !validUtf8PercentEncoding(query)) {
            Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400, REASON);
            return true;
        }
        return super.handle(request, response, callback);
    }

    private static boolean validUtf8PercentEncoding(String query) {
        try {
            // strict: no bad '%' escape, no invalid or truncated UTF-8
            UrlEncoded.decodeUtf8To(query, 0, query.length(), (name, value) -> { }, false, false, false);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
