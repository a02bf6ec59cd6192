package dev.coffer.config.remote;

import dev.coffer.spi.error.AccessDeniedException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.SecretsException;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.watch.ChangeBatch;
import dev.coffer.spi.watch.ChangeKind;
import dev.coffer.spi.watch.ChangeSubscription;
import dev.coffer.spi.watch.SecretChange;
import dev.coffer.spi.watch.WatchRequest;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.time.Duration;
import java.util.Objects;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The client side of {@code GET /v1/watch} (Server-Sent Events): a {@link ChangeSubscription}
 * over one streaming HTTP response at a time, read by one daemon thread,
 * {@code coffer-watch-reader}, into a small bounded queue that {@link #poll} takes from.
 *
 * <ul>
 *   <li>Opening ({@link RemoteSecretManager#watch}) connects on the caller's thread and returns once
 *       the server's {@code ready} event came: an error before the stream opens is the exception of
 *       its problem ({@code UNAUTHENTICATED}, {@code INVALID_ARGUMENT}, {@code TOO_MANY_WATCHES},
 *       {@code WATCH_CAPACITY_REACHED}, {@code STORE_UNAVAILABLE} for a server that cannot be reached).</li>
 *   <li>A dropped stream (server stopped, token expired, proxy, idle past {@link #IDLE_TIMEOUT}: the
 *       server sends a heartbeat every 15 s) is reconnected with backoff: from the server's
 *       {@code retry} (2 s), doubling to {@link #MAX_BACKOFF}, minus up to a quarter at random; a 503's
 *       {@code Retry-After} is honoured (within the cap). Each connect re-reads the bearer token and
 *       sends {@code Last-Event-ID} = the last id seen (a change's or a heartbeat's), so nothing is
 *       missed; when the server cannot replay, its {@code reset} becomes {@link ChangeBatch#resetTo}.</li>
 *   <li>Refusals on a reconnect: a 401/403 is surfaced (the next {@link #poll} throws it, once per
 *       failed attempt) and retried every {@link #MAX_BACKOFF}, since a token file may be rotated or
 *       a policy put back; a 400 (the request itself is wrong) ends the subscription: every poll
 *       throws it. Other failures (5xx, network) are retried silently and counted in
 *       {@link #reconnects()}.</li>
 *   <li>Back-pressure: when {@link #QUEUE} items wait unpolled the reader blocks, stops reading
 *       the socket and TCP holds the server back; never an unbounded buffer.</li>
 *   <li>{@link #close()} ends the HTTP stream and the thread.</li>
 * </ul>
 *
 * <pre>{@code
 * try (ChangeSubscription changes = remote.watch(ctx, WatchRequest.of("prod", null))) {
 *     ChangeBatch batch = changes.poll(100, Duration.ofSeconds(15));
 * }
 * }</pre>
 */
public final class RemoteChangeStream implements ChangeSubscription {
    private static final Logger LOG = Logger.getLogger("dev.coffer.config");
    /** How many events may wait unpolled before the reader stops reading. */
    public static final int QUEUE = 256;
    /** The longest pause between reconnects. */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** A stream silent this long (no heartbeat) is taken as dropped and reconnected. */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(45);
    private static final long DEFAULT_RETRY_MS = 2000;

    /**
     * Opens one HTTP stream, re-reading the token; throws the exception of a problem answer, or of
     * a server that cannot be reached.
     */
    interface Connector {
        /** @param lastEventId the Last-Event-ID to send, or {@code null} for none */
        InputStream open(Long lastEventId);
    }

    /** A refusal carrying the server's {@code Retry-After} (a 503 at its stream cap). */
    static final class RetryLater extends RuntimeException {
        final SecretsException refusal;
        final long seconds;

        RetryLater(SecretsException refusal, long seconds) {
            super(refusal.getMessage(), null, false, false);
            this.refusal = refusal;
            this.seconds = seconds;
        }
    }

    private sealed interface Item permits Change, Position, Reset, Failure {}

    private record Change(SecretChange change) implements Item {}

    private record Position(long cursor) implements Item {}

    private record Reset(long cursor) implements Item {}

    private record Failure(SecretsException error) implements Item {}

    private final WatchRequest request;
    private final Connector connector;
    private final String where;
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final Thread reader;
    private final Object lock = new Object();
    private volatile boolean closed;
    private volatile SecretsException terminal;
    private volatile long lastByteNanos = System.nanoTime();
    /** The last id seen on the stream: what a reconnect sends as Last-Event-ID. Reader thread only. */
    private Long lastId;
    private long retryMs = DEFAULT_RETRY_MS;
    private long cursor;
    private long retryAfterSeconds;
    private InputStream current; // guarded by lock
    private SseReader sse;

    RemoteChangeStream(WatchRequest request, Connector connector, String where) {
        this.request = request;
        this.connector = connector;
        this.where = where;
        this.lastId = request.after().isPresent() ? request.after().getAsLong() : null;
        this.cursor = request.after().orElse(0);
        Watchdog.watch(this); // also bounds the wait for the ready event
        try {
            openUntilReady(); // on the caller's thread: errors before the stream opens are the caller's
        } catch (RuntimeException e) {
            closed = true;
            Watchdog.unwatch(this);
            throw e;
        }
        this.reader = new Thread(this::run, "coffer-watch-reader");
        reader.setDaemon(true);
        reader.setContextClassLoader(null);
        reader.start();
    }

    /** Change events received (changes and resets), over every connection. */
    public long eventsReceived() {
        return events.get();
    }

    /** Streams re-opened after the first (after a drop, a refusal or an idle timeout). */
    public long reconnects() {
        return reconnects.get();
    }

    /** Whether the reader thread still runs (for tests: {@link #close()} ends it). */
    boolean readerAlive() {
        return reader.isAlive();
    }

    @Override
    public ChangeBatch poll(int max, Duration maxWait) throws InterruptedException {
        if (max < 1 || max > MAX_BATCH) {
            throw new IllegalArgumentException("max is 1 to " + MAX_BATCH);
        }
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative");
        }
        if (closed) {
            throw new IllegalStateException("the subscription is closed");
        }
        SecretsException end = terminal;
        if (end != null && queue.isEmpty()) {
            throw end;
        }
        Item first = queue.poll(Math.max(maxWait.toNanos(), 0), TimeUnit.NANOSECONDS);
        if (first == null) {
            return new ChangeBatch(List.of(), cursor, false);
        }
        if (first instanceof Failure f) {
            throw f.error();
        }
        if (first instanceof Reset r) {
            cursor = r.cursor();
            return ChangeBatch.resetTo(cursor);
        }
        List<SecretChange> changes = new ArrayList<>();
        take(first, changes);
        while (changes.size() < max) {
            Item next = queue.peek();
            if (next == null || next instanceof Reset || next instanceof Failure) {
                break; // told by the next poll
            }
            take(queue.poll(), changes);
        }
        return new ChangeBatch(changes, cursor, false);
    }

    private void take(Item item, List<SecretChange> changes) {
        if (item instanceof Change c) {
            changes.add(c.change());
            cursor = Math.max(cursor, c.change().seq());
        } else if (item instanceof Position p) {
            cursor = Math.max(cursor, p.cursor());
        }
    }

    @Override
    public long cursor() {
        return cursor;
    }

    @Override
    public WatchRequest request() {
        return request;
    }

    @Override
    public void close() {
        closed = true;
        Watchdog.unwatch(this);
        abortCurrent();
        if (reader != null) {
            reader.interrupt();
        }
    }

    @Override
    public String toString() {
        return "RemoteChangeStream[" + where + ", cursor " + cursor + "]";
    }

    // ---- the reader thread ----

    private void run() {
        try {
            boolean fresh = false; // the first stream was opened by the constructor
            int failures = 0;
            while (!closed && terminal == null) {
                if (fresh) {
                    try {
                        openUntilReady();
                        failures = 0;
                    } catch (SecretsException e) {
                        failures++;
                        if (!refused(e)) {
                            pause(backoff(failures, e));
                        }
                        continue;
                    } finally {
                        reconnects.incrementAndGet();
                    }
                }
                fresh = true;
                try {
                    readEvents();
                } catch (IOException | RuntimeException e) {
                    if (!closed) {
                        LOG.fine(() -> "Coffer change stream from " + where + " dropped (" + e.getClass().getSimpleName()
                                + "); reconnecting after " + (lastId == null ? "the start" : "event " + lastId));
                    }
                } finally {
                    abortCurrent();
                }
                pause(jittered(retryMs)); // the server's retry before the first reconnect of a drop
            }
        } catch (InterruptedException e) {
            // closed
        } finally {
            abortCurrent();
        }
    }

    /** Decides after a refused connect; returns whether it paused already. */
    private boolean refused(SecretsException e) throws InterruptedException {
        if (e instanceof InvalidRequestException) {
            terminal = e; // the request itself is wrong: it will not get better
            LOG.warning(() -> "Coffer change stream from " + where + " was refused (" + e.code() + "): it ends");
            return true;
        }
        if (e instanceof AccessDeniedException) {
            offer(new Failure(e));
            LOG.warning(() -> "Coffer change stream from " + where + " was refused (" + e.code() + "); retrying every "
                    + MAX_BACKOFF.toSeconds() + " s with the token re-read");
            pause(MAX_BACKOFF.toMillis());
            return true;
        }
        return false;
    }

    private long backoff(int failures, SecretsException e) {
        long base = Math.min(retryMs << Math.min(failures - 1, 10), MAX_BACKOFF.toMillis());
        if (retryAfterSeconds > 0) {
            base = Math.max(base, Math.min(retryAfterSeconds * 1000, MAX_BACKOFF.toMillis()));
            retryAfterSeconds = 0;
        }
        return jittered(base);
    }

    private static long jittered(long ms) {
        return ms - ThreadLocalRandom.current().nextLong(ms / 4 + 1);
    }

    private void pause(long ms) throws InterruptedException {
        if (!closed) {
            Thread.sleep(ms);
        }
    }

    /** Connects and reads up to the {@code ready} event (queued as the new position). */
    private void openUntilReady() {
        InputStream raw;
        try {
            raw = connector.open(lastId);
        } catch (RetryLater r) {
            retryAfterSeconds = r.seconds;
            throw r.refusal;
        }
        InputStream body = new BufferedInputStream(raw, 8192);
        synchronized (lock) {
            if (closed) {
                close(body);
                throw new UnavailableException(ErrorCode.STORE_UNAVAILABLE, "the change stream is closed");
            }
            current = body;
        }
        sse = new SseReader(body);
        lastByteNanos = System.nanoTime();
        try {
            while (true) {
                SseReader.Event e = sse.next();
                if (e == null) {
                    throw new IOException("the stream ended before its ready event");
                }
                if (handle(e)) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            abortCurrent();
            if (e instanceof SecretsException s) {
                throw s;
            }
            throw new UnavailableException(ErrorCode.STORE_UNAVAILABLE, "the change stream of " + where
                    + " did not open (" + e.getClass().getSimpleName() + ")");
        }
    }

    private void readEvents() throws IOException {
        for (SseReader.Event e; !closed && (e = sse.next()) != null; ) {
            handle(e);
        }
    }

    /** Handles one block; returns whether it was the ready event. */
    private boolean handle(SseReader.Event e) throws IOException {
        lastByteNanos = System.nanoTime();
        if (e.retry() != null) {
            retryMs = Math.max(100, Math.min(e.retry(), MAX_BACKOFF.toMillis()));
        }
        Long id = e.id() == null ? null : seq(e.id());
        boolean ready = false;
        if (e.event() != null) {
            JsonObject data = data(e);
            switch (e.event()) {
                case "ready" -> {
                    ready = true;
                    put(new Position(number(data, "cursor")));
                }
                case "reset" -> {
                    events.incrementAndGet();
                    put(new Reset(number(data, "cursor")));
                }
                default -> {
                    var kind = ChangeKind.fromWireName(e.event());
                    if (kind.isPresent()) {
                        events.incrementAndGet();
                        put(new Change(change(kind.get(), data)));
                    } // an event this client does not know is skipped (a newer server)
                }
            }
        } else if (id != null) {
            put(new Position(id)); // a heartbeat: the caller's position moves past what it may not see
        }
        if (id != null) {
            lastId = id;
        }
        return ready;
    }

    private void put(Item item) throws IOException {
        try {
            queue.put(item); // blocks when full: the socket is not read, TCP pushes back
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException("closed");
        }
    }

    private void offer(Item item) {
        if (!queue.offer(item)) {
            LOG.fine("Coffer change stream: a refusal was not queued (the consumer is behind)");
        }
    }

    private static long seq(String text) throws IOException {
        if (!text.matches("[0-9]{1,19}")) {
            throw new IOException("an event id is not a sequence number");
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException("an event id is out of range");
        }
    }

    private static JsonObject data(SseReader.Event e) throws IOException {
        if (e.data() == null) {
            throw new IOException("event " + e.event() + " carries no data");
        }
        try (JsonReader r = Bodies.JSON.createReader(new StringReader(e.data()))) {
            return r.readObject();
        } catch (JsonException ex) {
            throw new IOException("event " + e.event() + " carries no JSON object");
        }
    }

    private static long number(JsonObject o, String field) throws IOException {
        if (!(o.get(field) instanceof JsonNumber n) || !n.isIntegral() || n.longValue() < 0) {
            throw new IOException("an event's " + field + " is not a sequence number");
        }
        return n.longValueExact();
    }

    private static SecretChange change(ChangeKind kind, JsonObject o) throws IOException {
        try {
            Integer version = o.get("version") instanceof JsonNumber n ? n.intValueExact() : null;
            return new SecretChange(number(o, "seq"), kind, text(o, "environment"), text(o, "path"), version,
                    text(o, "alias"), Instant.parse(text(o, "at")));
        } catch (IllegalArgumentException | ArithmeticException | DateTimeParseException | NullPointerException e) {
            throw new IOException("a " + kind.wireName() + " event is malformed (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static String text(JsonObject o, String field) {
        JsonValue v = o.get(field);
        return v instanceof JsonString s ? s.getString() : null;
    }

    private void abortCurrent() {
        InputStream in;
        synchronized (lock) {
            in = current;
            current = null;
        }
        close(in);
    }

    private static void close(InputStream in) {
        if (in != null) {
            try {
                in.close(); // for the JDK client's body stream: cancels the exchange, closes the connection
            } catch (IOException ignored) {
                // dropping it anyway
            }
        }
    }

    /** Drops a stream silent past {@link #IDLE_TIMEOUT}, which the reader then reconnects. */
    void checkIdle() {
        if (!closed && System.nanoTime() - lastByteNanos > IDLE_TIMEOUT.toNanos()) {
            LOG.fine(() -> "Coffer change stream from " + where + " was silent for " + IDLE_TIMEOUT + "; reconnecting");
            lastByteNanos = System.nanoTime();
            abortCurrent();
        }
    }

}
