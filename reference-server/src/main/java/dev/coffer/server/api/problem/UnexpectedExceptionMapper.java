package dev.coffer.server.api.problem;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Last resort: 500 {@code INTERNAL_ERROR}. The log line names the exception types and where they
 * were thrown, never their messages, because a message from a library may quote a request body.
 */
@Provider
public final class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = Logger.getLogger(UnexpectedExceptionMapper.class.getName());

    @Override
    public Response toResponse(Throwable e) {
        if (LOG.isLoggable(Level.SEVERE)) {
            LOG.severe("unexpected failure: " + describe(e));
        }
        return Problems.response(Problem.of(500, Problems.INTERNAL_ERROR,
                "unexpected server error; the server log has the details under this request id"));
    }

    // Types and the top frames of each cause; messages are left out on purpose.
    static String describe(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            out.append(t.getClass().getName());
            StackTraceElement[] frames = t.getStackTrace();
            for (int i = 0; i < Math.min(frames.length, 8); i++) {
                out.append("\n    at ").append(frames[i]);
            }
            if (t.getCause() != null) {
                out.append("\ncaused by ");
            }
        }
        return out.toString();
    }
}
