package dev.coffer.server.watch;

import dev.coffer.server.api.problem.Problems;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.watch.ChangeSubscription;
import dev.coffer.spi.watch.WatchRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's open change streams: admits a stream within {@link WatchSettings} (the server cap,
 * then the caller's), runs each on its own worker ({@code coffer-watch-N}) and ends them all at
 * shutdown. One instance per server; {@link #close} before the HTTP server stops, so no stream
 * keeps it waiting.
 *
 * <pre>{@code
 * WatchStreams watches = new WatchStreams(manager, WatchSettings.DEFAULTS);
 * watches.open(ctx, expiresAt, WatchRequest.of("prod", null), sink, sse);
 * watches.close();
 * }</pre>
 */
public final class WatchStreams implements AutoCloseable {
    /** How long {@link #close} waits for the workers to end before it interrupts them. */
    private static final long STOP_WAIT_MILLIS = 2_000;

    private final SecretManager manager;
    private final WatchSettings settings;
    private final Clock clock;
    private final ThreadPoolExecutor workers;
    private final Map<String, Integer> perCaller = new HashMap<>();
    private final Set<WatchStream> open = new LinkedHashSet<>();
    private int reserved;
    private boolean closed;

    /** Streams over {@code manager} within {@code settings}. */
    public WatchStreams(SecretManager manager, WatchSettings settings) {
        this(manager, settings, Clock.systemUTC());
    }

    WatchStreams(SecretManager manager, WatchSettings settings, Clock clock) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory threads = task -> {
            Thread t = new Thread(task, "coffer-watch-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        // As many threads as streams admitted (the reservation bounds the queue to a passing moment).
        workers = new ThreadPoolExecutor(settings.maxWatchers(), settings.maxWatchers(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), threads);
        workers.allowCoreThreadTimeOut(true);
    }

    /** The settings. */
    public WatchSettings settings() {
        return settings;
    }

    /** How many streams are open now (admitted and not yet ended). */
    public synchronized int openStreams() {
        return reserved;
    }

    /**
     * Opens a stream for {@code ctx} (its token expiring at {@code expiresAt}, or {@code null})
     * on {@code sink}: subscribes (audited once, by the kernel), then a worker writes its events.
     *
     * @throws WebApplicationException 503 {@code WATCH_CAPACITY_REACHED} at the server's cap or while
     *         shutting down, 429 {@code TOO_MANY_WATCHES} at the caller's; both with {@code Retry-After}
     * @throws dev.coffer.spi.error.SecretsException what {@link SecretManager#watch} throws
     */
    public void open(AccessContext ctx, Instant expiresAt, WatchRequest request, SseEventSink sink, Sse sse) {
        String caller = ctx.tenant() + "\u0000" + ctx.principal().id();
        reserve(caller);
        WatchStream stream;
        try {
            ChangeSubscription subscription = manager.watch(ctx, request);
            stream = new WatchStream(subscription, sink, sse, settings, expiresAt, clock, () -> release(caller));
        } catch (RuntimeException e) {
            release(caller);
            throw e;
        }
        synchronized (this) {
            if (closed) {
                stream.stop();
                stream.release();
                throw refused(ErrorCode.WATCH_CAPACITY_REACHED, "the server is shutting down");
            }
            open.add(stream);
        }
        workers.execute(stream);
    }

    private synchronized void reserve(String caller) {
        if (closed) {
            throw refused(ErrorCode.WATCH_CAPACITY_REACHED, "the server is shutting down");
        }
        if (reserved >= settings.maxWatchers()) {
            throw refused(ErrorCode.WATCH_CAPACITY_REACHED, "the server serves the most change streams it may ("
                    + settings.maxWatchers() + "); retry later");
        }
        int mine = perCaller.getOrDefault(caller, 0);
        if (mine >= settings.maxPerCaller()) {
            throw refused(ErrorCode.TOO_MANY_WATCHES, "this caller holds the most change streams one caller may ("
                    + settings.maxPerCaller() + "); close one first");
        }
        perCaller.put(caller, mine + 1);
        reserved++;
    }

    private synchronized void release(String caller) {
        perCaller.computeIfPresent(caller, (k, n) -> n <= 1 ? null : n - 1);
        reserved--;
        open.removeIf(WatchStream::ended);
    }

    private static WebApplicationException refused(ErrorCode code, String detail) {
        return new WebApplicationException(Response.fromResponse(Problems.response(code, detail))
                .header("Retry-After", WatchSettings.RETRY_AFTER_SECONDS).build());
    }

    /** Ends every stream (their clients see the end and reconnect elsewhere) and stops the workers; bounded in time. */
    @Override
    public void close() {
        List<WatchStream> streams;
        synchronized (this) {
            closed = true;
            streams = List.copyOf(open);
        }
        streams.forEach(WatchStream::stop);
        workers.shutdown();
        try {
            if (!workers.awaitTermination(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                // A worker blocked writing to a client that reads nothing: interrupt it; the HTTP
                // server's stop closes its connection anyway.
                workers.shutdownNow();
                streams.forEach(WatchStream::closeSink);
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
