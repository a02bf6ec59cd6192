package dev.coffer.server.api;

import dev.coffer.server.auth.CallerPrincipal;
import dev.coffer.server.watch.WatchStreams;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.watch.WatchRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * {@code GET /v1/watch?environment=&prefix=}: the change stream as Server-Sent Events, metadata of
 * every change the caller may describe in scope (never a value), resumable with
 * {@code Last-Event-ID}. Refusals (a bad scope or {@code Last-Event-ID}, too many streams) are
 * problems before the stream opens; the stream itself is {@link WatchStreams}'.
 *
 * <pre>{@code
 * curl -N -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:8480/v1/watch?environment=prod&prefix=payments/"
 * }</pre>
 */
@Path("v1/watch")
public class WatchResource {
    /** The header a reconnecting client resumes with. */
    public static final String LAST_EVENT_ID = "Last-Event-ID";
    private static final Pattern SEQ = Pattern.compile("[0-9]{1,19}");

    private final WatchStreams streams;

    public WatchResource(WatchStreams streams) {
        this.streams = Objects.requireNonNull(streams, "streams");
    }

    /** Opens a stream; the events follow on {@code sink}. */
    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void watch(@Context SecurityContext security, @QueryParam("environment") String environment,
            @QueryParam("prefix") String prefix, @HeaderParam(LAST_EVENT_ID) String lastEventId,
            @Context SseEventSink sink, @Context Sse sse) {
        AccessContext ctx = Callers.context(security);
        Instant expiresAt = security.getUserPrincipal() instanceof CallerPrincipal caller ? caller.expiresAt() : null;
        WatchRequest request = new WatchRequest(blankToNull(environment), prefix, after(lastEventId));
        streams.open(ctx, expiresAt, request, sink, sse);
    }

    private static String blankToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    /** {@code Last-Event-ID} as a seq: decimal, 0 to 2^63-1; anything else is refused (not echoed). */
    static OptionalLong after(String lastEventId) {
        if (lastEventId == null || lastEventId.isEmpty()) {
            return OptionalLong.empty();
        }
        String text = lastEventId.trim();
        if (SEQ.matcher(text).matches()) {
            try {
                return OptionalLong.of(Long.parseLong(text));
            } catch (NumberFormatException e) {
                // beyond 2^63-1: refused below
            }
        }
        throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT,
                "Last-Event-ID must be an event id of this stream (a decimal number from 0 to 9223372036854775807)");
    }
}
