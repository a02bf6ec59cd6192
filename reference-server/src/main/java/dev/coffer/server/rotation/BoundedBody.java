package dev.coffer.server.rotation;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body of at most {@code max} bytes. A longer body (declared or sent) cancels
 * the exchange at once instead of being read, and fails with {@link TooLarge}: a receiver, or
 * anything in its place, cannot make Coffer buffer more than {@code max} bytes.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
    /** The body is longer than the bound. Carries no body bytes. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(int max) {
            super("the response body is longer than " + max + " bytes");
        }
    }

    private final int max;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private byte[] buf = new byte[0];
    private int count;
    private Flow.Subscription subscription;
    private boolean done;

    private BoundedBody(int max) {
        this.max = max;
    }

    /** A handler that refuses a declared {@code Content-Length} above {@code max} before reading anything. */
    static HttpResponse.BodyHandler<byte[]> handler(int max) {
        return info -> {
            BoundedBody body = new BoundedBody(max);
            long declared = info.headers().firstValueAsLong("content-length").orElse(-1);
            if (declared > max) {
                body.done = true;
                body.result.completeExceptionally(new TooLarge(max));
            }
            return body;
        };
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (done) {
            s.cancel();
        } else {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public synchronized void onNext(List<ByteBuffer> items) {
        if (done) {
            return;
        }
        for (ByteBuffer b : items) {
            int n = b.remaining();
            if (n > max - count) {
                done = true;
                subscription.cancel();
                wipe();
                result.completeExceptionally(new TooLarge(max));
                return;
            }
            if (count + n > buf.length) {
                byte[] bigger = Arrays.copyOf(buf, Math.min(max, Math.max(count + n, buf.length * 2 + 1024)));
                Arrays.fill(buf, (byte) 0);
                buf = bigger;
            }
            b.get(buf, count, n);
            count += n;
        }
    }

    @Override
    public synchronized void onError(Throwable t) {
        if (!done) {
            done = true;
            wipe();
            result.completeExceptionally(t);
        }
    }

    @Override
    public synchronized void onComplete() {
        if (!done) {
            done = true;
            byte[] body = Arrays.copyOf(buf, count);
            wipe();
            result.complete(body);
        }
    }

    private void wipe() {
        Arrays.fill(buf, (byte) 0);
        count = 0;
    }
}
