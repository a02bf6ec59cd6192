package dev.coffer.server.delivery;

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
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A small reader of {@code GET /v1/watch} in test code (the product's client is the ConfigSource's
 * {@code RemoteSecretManager.watch}; this one exists to look at the wire itself): the events of one
 * stream, as the fixed wire format writes them, heartbeats included as {@code event} "heartbeat".
 */
final class RawSse implements AutoCloseable {
    /** One event: its {@code event:} (or "heartbeat" for a comment), {@code id:} and {@code data:}. */
    record Event(String event, String id, String data) {}

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Stream<String> lines;
    private final Thread reader;
    private final int status;

    private RawSse(int status, Stream<String> lines) {
        this.status = status;
        this.lines = lines;
        this.reader = new Thread(this::read, "raw-sse-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens {@code base/v1/watch?query} with {@code token}, sending {@code lastEventId} unless null. */
    static RawSse open(String base, String token, String query, String lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/v1/watch" + (query.isEmpty() ? "" : "?" + query)))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        try {
            HttpResponse<Stream<String>> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines());
            return new RawSse(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    int status() {
        return status;
    }

    private void read() {
        String event = null;
        String id = null;
        StringBuilder data = null;
        try {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (event != null || data != null || id != null) {
                        events.add(new Event(event == null ? "message" : event, id, data == null ? null : data.toString()));
                    }
                    event = null;
                    id = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    event = "heartbeat";
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
                    switch (field) {
                        case "event" -> event = value;
                        case "id" -> id = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        default -> { } // retry: and unknown fields
                    }
                }
            }
        } catch (RuntimeException e) {
            // The stream was closed (by close() or the server): the reader ends.
        }
    }

    /** The events read until one matches {@code last} (included), failing after {@code deadline}. */
    List<Event> until(Predicate<Event> last, Duration deadline) throws InterruptedException {
        List<Event> seen = new ArrayList<>();
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            Event e = events.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("no matching event within " + deadline + "; saw " + seen);
            }
            seen.add(e);
            if (last.test(e)) {
                return seen;
            }
        }
    }

    @Override
    public void close() {
        lines.close();
        reader.interrupt();
    }
}
