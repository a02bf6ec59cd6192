package dev.coffer.server.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A small Server-Sent Events reader for tests: opens {@code GET /v1/watch}, parses the stream into
 * {@link Event}s (a comment-only block, such as a heartbeat, is an event with {@code comment} set)
 * and keeps every raw line, so a test can scan everything the server wrote.
 */
public final class SseStream implements AutoCloseable {
    /** One block of the stream. Fields the block did not have are {@code null}. */
    public record Event(String name, String id, String data, String comment, String retry) {
        public boolean heartbeat() {
            return "heartbeat".equals(comment) && name == null && (data == null || data.isEmpty());
        }
    }

    private static final Event END = new Event(null, null, null, null, null);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public final int status;
    public final HttpResponse<Stream<String>> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
    private final StringBuilder body = new StringBuilder();
    private volatile boolean ended;

    private SseStream(HttpResponse<Stream<String>> response) {
        this.response = response;
        this.status = response.statusCode();
        if (status != 200) {
            response.body().forEach(line -> body.append(line).append('\n'));
            ended = true;
            return;
        }
        Thread reader = new Thread(this::read, "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens {@code v1/watch?query} with {@code token}; {@code lastEventId} may be null. */
    public static SseStream open(URI base, String query, String token, String lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("v1/watch" + (query == null ? "" : "?" + query)))
                .header("Accept", "text/event-stream").GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        try {
            return new SseStream(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void read() {
        String name = null, id = null, comment = null, retry = null;
        StringBuilder data = null;
        try (Stream<String> stream = response.body()) {
            for (var it = stream.iterator(); it.hasNext();) {
                String line = it.next();
                lines.add(line);
                if (line.isEmpty()) {
                    if (name != null || id != null || data != null || comment != null || retry != null) {
                        events.add(new Event(name, id, data == null ? null : data.toString(), comment, retry));
                    }
                    name = id = comment = retry = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    comment = line.substring(1).strip();
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    if (value.startsWith(" ")) {
                        value = value.substring(1);
                    }
                    switch (field) {
                        case "event" -> name = value;
                        case "id" -> id = value;
                        case "retry" -> retry = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        default -> { }
                    }
                }
            }
        } catch (RuntimeException e) {
            // the connection was cut: the stream ended
        } finally {
            ended = true;
            events.add(END);
        }
    }

    /** The next block, waiting up to {@code timeout}; fails when none came or the stream ended. */
    public Event next(Duration timeout) {
        try {
            Event e = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (e == null) {
                throw new AssertionError("no event within " + timeout);
            }
            if (e == END) {
                events.add(END);
                throw new AssertionError("the stream ended");
            }
            return e;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    /** The next block that is not a heartbeat. */
    public Event nextChange(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Event e = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (!e.heartbeat()) {
                return e;
            }
        }
    }

    /** The blocks read until one matches {@code last} (included), heartbeats left out; fails after {@code timeout}. */
    public List<Event> until(java.util.function.Predicate<Event> last, Duration timeout) {
        List<Event> seen = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Event e;
            try {
                e = nextChange(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (AssertionError failed) {
                throw new AssertionError(failed.getMessage() + "; saw " + seen, failed);
            }
            seen.add(e);
            if (last.test(e)) {
                return seen;
            }
        }
    }

    /** Waits until the server ended the stream; {@code false} if it did not within {@code timeout}. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ended && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return ended;
    }

    /** Every line read so far. */
    public String text() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    /** The body of a refusal (problem+json). */
    public String body() {
        return body.toString();
    }

    /** The response's header, or null. */
    public String header(String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    @Override
    public void close() {
        // closing the lines stream ends the connection
        try {
            response.body().close();
        } catch (RuntimeException e) {
            // already closed
        }
    }
}
