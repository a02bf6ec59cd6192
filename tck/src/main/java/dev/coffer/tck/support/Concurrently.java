package dev.coffer.tck.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Runs tasks on many threads released at once by a start gate, so that they really race, and
 * collects what each returned or threw.
 *
 * <pre>{@code
 * List<Concurrently.Outcome<VersionRecord>> outcomes =
 *         Concurrently.run(16, i -> store.addVersion(tenant, id, sealer, "user:tck", now, null, false, none()));
 * }</pre>
 */
public final class Concurrently {
    private static final long TIMEOUT_SECONDS = 60;

    private Concurrently() {}

    /**
     * Runs {@code task(0..threads-1)}, one per thread, all started together.
     *
     * @return one outcome per task, in task order
     * @throws AssertionError if the tasks do not finish within a minute
     */
    public static <T> List<Outcome<T>> run(int threads, IntFunction<T> task) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    start.await();
                    return task.apply(index);
                }));
            }
            if (!ready.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("worker threads did not start within " + TIMEOUT_SECONDS + "s");
            }
            start.countDown();
            List<Outcome<T>> outcomes = new ArrayList<>();
            for (Future<T> future : futures) {
                try {
                    outcomes.add(new Outcome<>(future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), null));
                } catch (java.util.concurrent.ExecutionException e) {
                    outcomes.add(new Outcome<>(null, e.getCause()));
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("a concurrent task did not finish within " + TIMEOUT_SECONDS + "s");
                }
            }
            return outcomes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for concurrent tasks");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * What one task did.
     *
     * @param value what it returned, or {@code null} if it threw
     * @param failure what it threw, or {@code null} if it returned
     * @param <T> result type
     */
    public record Outcome<T>(T value, Throwable failure) {
        /** Whether the task returned normally. */
        public boolean succeeded() {
            return failure == null;
        }
    }
}
