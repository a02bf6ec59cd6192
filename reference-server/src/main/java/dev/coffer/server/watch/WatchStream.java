package dev.coffer.server.watch;

import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.watch.ChangeBatch;
import dev.coffer.spi.watch.ChangeSubscription;
import dev.coffer.spi.watch.SecretChange;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One open change stream: its worker polls the subscription and writes each batch before it polls
 * again, so the stream holds at most one batch. A send that does not complete within
 * {@link WatchSettings#writeTimeout} ends the stream. Jersey writes on the calling thread, so on the
 * standalone server that wait never starts: the write itself blocks while the client's socket is
 * full, until Jetty's idle timeout fails it and the stream ends.
 */
final class WatchStream implements Runnable {
    private static final Logger LOG = Logger.getLogger(WatchStream.class.getName());
    /** The client's reconnection delay ({@code retry:}). */
    static final long RETRY_MILLIS = 2_000;
    private static final int BATCH = 100;
    /** The pause after the audit log could not be read, before the next poll. */
    private static final Duration UNAVAILABLE_PAUSE = Duration.ofSeconds(1);

    private final ChangeSubscription subscription;
    private final SseEventSink sink;
    private final Sse sse;
    private final WatchSettings settings;
    private final Instant expiresAt;
    private final Clock clock;
    private final Runnable onEnd;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile boolean ended;

    WatchStream(ChangeSubscription subscription, SseEventSink sink, Sse sse, WatchSettings settings, Instant expiresAt,
            Clock clock, Runnable onEnd) {
        this.subscription = subscription;
        this.sink = sink;
        this.sse = sse;
        this.settings = settings;
        this.expiresAt = expiresAt;
        this.clock = clock;
        this.onEnd = onEnd;
    }

    @Override
    public void run() {
        try {
            stream();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (WriteFailed e) {
            // the client went away or stopped reading: its stream ends here
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "change stream ended by " + e.getClass().getSimpleName());
        } finally {
            stop();
            closeSink();
            release();
        }
    }

    private void stream() throws InterruptedException {
        var after = subscription.request().after();
        if (after.isPresent()) {
            ChangeBatch first = subscription.poll(BATCH, Duration.ZERO);
            if (first.reset()) {
                send(reset(first.cursor()));
                send(ready(first.cursor(), false));
            } else {
                send(ready(after.getAsLong(), true));
                write(first);
            }
        } else {
            send(ready(subscription.cursor(), false));
        }
        while (!stopped.get()) {
            Duration wait = settings.heartbeat();
            if (expiresAt != null) {
                Duration left = Duration.between(clock.instant(), expiresAt);
                if (left.isNegative() || left.isZero()) {
                    return; // the token expired: the client reconnects with a fresh one
                }
                if (left.compareTo(wait) < 0) {
                    wait = left;
                }
            }
            ChangeBatch batch;
            try {
                batch = subscription.poll(BATCH, wait);
            } catch (UnavailableException e) {
                // the log could not be read; the subscription stays open and the next poll tries again
                send(heartbeat(subscription.cursor()));
                Thread.sleep(UNAVAILABLE_PAUSE.toMillis());
                continue;
            } catch (IllegalStateException e) {
                return; // closed meanwhile
            }
            if (stopped.get() || expiresAt != null && !clock.instant().isBefore(expiresAt)) {
                return;
            }
            if (batch.reset()) {
                send(reset(batch.cursor()));
                send(ready(batch.cursor(), false));
            } else if (batch.changes().isEmpty()) {
                send(heartbeat(batch.cursor()));
            } else {
                write(batch);
            }
        }
    }

    private void write(ChangeBatch batch) throws InterruptedException {
        for (SecretChange change : batch.changes()) {
            send(sse.newEventBuilder().name(change.kind().wireName()).id(Long.toString(change.seq()))
                    .data(String.class, ChangeEvents.change(change)).build());
        }
        SecretChange last = batch.changes().isEmpty() ? null : batch.changes().get(batch.changes().size() - 1);
        if (last == null || batch.cursor() > last.seq()) {
            // changes the caller may not see moved the cursor on: a reconnect resumes past them too
            send(heartbeat(batch.cursor()));
        }
    }

    private OutboundSseEvent ready(long cursor, boolean resumed) {
        return sse.newEventBuilder().name("ready").id(Long.toString(cursor)).reconnectDelay(RETRY_MILLIS)
                .data(String.class, ChangeEvents.ready(cursor, resumed)).build();
    }

    private OutboundSseEvent reset(long cursor) {
        return sse.newEventBuilder().name("reset").id(Long.toString(cursor)).data(String.class, ChangeEvents.reset(cursor)).build();
    }

    private OutboundSseEvent heartbeat(long cursor) {
        // An empty data line: Jersey writes id: only with data, and a client dispatches no event for
        // empty data but still takes the id as its Last-Event-ID.
        return sse.newEventBuilder().comment("heartbeat").id(Long.toString(cursor)).data(String.class, "").build();
    }

    private void send(OutboundSseEvent event) throws InterruptedException {
        if (sink.isClosed()) {
            throw new WriteFailed();
        }
        try {
            sink.send(event).toCompletableFuture().get(settings.writeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | IllegalStateException e) {
            throw new WriteFailed();
        }
    }

    /** Ends the stream: wakes a waiting poll; the worker closes the sink. Idempotent. */
    void stop() {
        if (stopped.compareAndSet(false, true)) {
            subscription.close();
        }
    }

    void closeSink() {
        try {
            sink.close();
        } catch (RuntimeException e) {
            // the connection is gone already
        }
    }

    /** Gives back the stream's place in the limits; once. */
    void release() {
        if (released.compareAndSet(false, true)) {
            ended = true;
            onEnd.run();
        }
    }

    boolean ended() {
        return ended;
    }

    /** A write to the client failed or took too long. */
    private static final class WriteFailed extends RuntimeException {
        WriteFailed() {
            super(null, null, false, false);
        }
    }
}
