package dev.coffer.server.standalone;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.EagerContentHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * For {@link EagerContentHandler}: reads a request body in full, asynchronously (no thread waits
 * for a slow client), before the next handler runs, so JAX-RS resources never block on a read.
 *
 * <p>Jetty's own {@code RetainedContentLoaderFactory} does the same up to a buffer's worth but has
 * no deadline and hands read failures on to the application (where they become 500s). This one
 * settles every body exactly once:
 * <ul>
 *   <li>all of it arrived: the next handler runs, reading the retained chunks;</li>
 *   <li>not all of it within the deadline (a slow or truncated body): 408;</li>
 *   <li>the framing is broken (bad chunk sizes): Jetty's parser says 400;</li>
 *   <li>too large (counted by the {@code SizeLimitHandler} in front): 413;</li>
 *   <li>the client went away: the exchange is failed, nothing is answered.</li>
 * </ul>
 * Errors are written by the server's error handler ({@link ProblemErrorHandler}), as problems.
 */
final class WholeBodyLoader implements EagerContentHandler.ContentLoaderFactory {
    private final Duration deadline;

    WholeBodyLoader(Duration deadline) {
        this.deadline = deadline;
    }

    @Override
    public String getApplicableMimeType() {
        return null; // every content type
    }

    @Override
    public EagerContentHandler.ContentLoader newContentLoader(String contentType, String mimeType, Handler handler,
            Request request, Response response, Callback callback) {
        return new Loader(handler, request, response, callback, deadline);
    }

    private static final class Loader extends EagerContentHandler.ContentLoader implements Invocable.Task {
        private final Deque<Content.Chunk> chunks = new ArrayDeque<>();
        private final Duration deadline;
        private boolean settled; // guarded by this
        private Scheduler.Task timer;

        Loader(Handler handler, Request request, Response response, Callback callback, Duration deadline) {
            super(handler, request, response, callback);
            this.deadline = deadline;
        }

        @Override
        protected void load() {
            timer = getRequest().getComponents().getScheduler().schedule(this::expire, deadline.toMillis(),
                    TimeUnit.MILLISECONDS);
            read(false);
        }

        /** Called by Jetty when more content can be read. */
        @Override
        public void run() {
            read(true);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }

        private void read(boolean fromDemand) {
            while (true) {
                Content.Chunk chunk = getRequest().read();
                if (chunk == null) {
                    getRequest().demand(this);
                    return;
                }
                Throwable failure = null;
                boolean complete = false;
                synchronized (this) {
                    if (settled) {
                        chunk.release();
                        return;
                    }
                    if (Content.Chunk.isFailure(chunk)) {
                        failure = chunk.getFailure();
                        settleLocked();
                    } else {
                        chunks.add(chunk);
                        if (chunk.isLast()) {
                            settled = true;
                            complete = true;
                        }
                    }
                }
                if (failure != null) {
                    timer.cancel();
                    refuse(failure);
                    return;
                }
                if (complete) {
                    timer.cancel();
                    if (fromDemand) {
                        // the demand callback runs without blocking; the application may block
                        getRequest().getContext().execute(this::dispatch);
                    } else {
                        dispatch();
                    }
                    return;
                }
            }
        }

        private void expire() {
            synchronized (this) {
                if (settled) {
                    return;
                }
                settleLocked();
            }
            writeError(HttpStatus.REQUEST_TIMEOUT_408);
        }

        private void refuse(Throwable failure) {
            if (failure instanceof HttpException http) {
                writeError(http.getCode()); // 400 for broken framing, 413 from the size limit
            } else if (failure instanceof TimeoutException) {
                writeError(HttpStatus.REQUEST_TIMEOUT_408); // the connection's idle timeout came first
            } else {
                getCallback().failed(failure); // the client is gone: nobody to answer
            }
        }

        private void writeError(int status) {
            // the rest of the body will not be read, so this connection cannot carry another request
            getResponse().getHeaders().put(HttpHeader.CONNECTION, "close");
            Response.writeError(getRequest(), getResponse(), getCallback(), status);
        }

        // holding this
        private void settleLocked() {
            settled = true;
            chunks.forEach(Content.Chunk::release);
            chunks.clear();
        }

        private void dispatch() {
            ReplayedBody request = new ReplayedBody(getRequest(), getCallback(), chunks);
            handle(request, getResponse(), request);
        }
    }

    /** The request as the next handler sees it: the retained chunks first; released once the exchange ends. */
    private static final class ReplayedBody extends Request.Wrapper implements Callback {
        private final Deque<Content.Chunk> chunks;
        private final Callback callback;

        ReplayedBody(Request wrapped, Callback callback, Deque<Content.Chunk> chunks) {
            super(wrapped);
            this.callback = callback;
            this.chunks = chunks;
        }

        @Override
        public Content.Chunk read() {
            synchronized (chunks) {
                Content.Chunk next = chunks.pollFirst();
                if (next != null) {
                    return next;
                }
            }
            return super.read();
        }

        @Override
        public void demand(Runnable demandCallback) {
            boolean available;
            synchronized (chunks) {
                available = !chunks.isEmpty();
            }
            if (available) {
                getContext().execute(demandCallback);
            } else {
                super.demand(demandCallback);
            }
        }

        @Override
        public InvocationType getInvocationType() {
            return callback.getInvocationType();
        }

        @Override
        public void succeeded() {
            release();
            callback.succeeded();
        }

        @Override
        public void failed(Throwable failure) {
            release();
            callback.failed(failure);
        }

        private void release() {
            synchronized (chunks) {
                chunks.forEach(Content.Chunk::release);
                chunks.clear();
            }
        }
    }
}
