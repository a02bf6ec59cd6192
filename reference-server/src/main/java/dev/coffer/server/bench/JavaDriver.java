package dev.coffer.server.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load driver when wrk is not there (or {@code --driver java}): one thread per connection, each
 * with its own JDK {@link HttpClient} on HTTP/1.1 and one request in flight, for the window's length.
 * Latencies go to a bounded {@link LatencySample} per thread. It runs in this JVM, so its CPU is this
 * process's CPU, which the caller measures.
 */
final class JavaDriver implements LoadDriver {
    /** The most latencies kept per window, over all threads. */
    static final int MAX_SAMPLES = 2_000_000;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    @Override
    public LoadResult run(LoadSpec spec) throws InterruptedException {
        String bearer = null;
        if (spec.tokenFile() != null) {
            try {
                bearer = "Bearer " + Files.readString(spec.tokenFile(), StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the token file " + spec.tokenFile(), e);
            }
        }
        int perThread = Math.max(1000, MAX_SAMPLES / spec.connections());
        List<LatencySample> samples = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        AtomicLong unexpected = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long end = start + spec.duration().toNanos();
        for (int i = 0; i < spec.connections(); i++) {
            LatencySample sample = new LatencySample(perThread);
            samples.add(sample);
            String auth = bearer;
            Thread thread = new Thread(() -> drive(spec, auth, end, sample, unexpected, errors), "coffer-bench-driver-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        try {
            for (Thread thread : threads) {
                thread.join();
            }
        } finally {
            // Ctrl-C or a failure elsewhere: the threads stop at their next request.
            threads.forEach(Thread::interrupt);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long requests = 0;
        for (LatencySample s : samples) {
            requests += s.seen();
        }
        long[] sorted = LatencySample.merged(samples);
        return new LoadResult(requests, seconds, LatencySample.percentileMs(sorted, 50), LatencySample.percentileMs(sorted, 99),
                unexpected.get(), errors.get(), Double.NaN);
    }

    private static void drive(LoadSpec spec, String bearer, long end, LatencySample sample, AtomicLong unexpected, AtomicLong errors) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(REQUEST_TIMEOUT).build();
        HttpRequest fixed = spec.secrets() <= 1 ? request(spec, 1, bearer) : null;
        while (System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
            HttpRequest request = fixed != null ? fixed : request(spec, ThreadLocalRandom.current().nextInt(1, spec.secrets() + 1), bearer);
            long t0 = System.nanoTime();
            try {
                HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
                sample.record(System.nanoTime() - t0);
                if (response.statusCode() != spec.expectedStatus()) {
                    unexpected.incrementAndGet();
                }
            } catch (IOException e) {
                errors.incrementAndGet();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static HttpRequest request(LoadSpec spec, int secret, String bearer) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(spec.base() + BenchSecrets.route(secret)))
                .timeout(REQUEST_TIMEOUT).GET();
        if (bearer != null) {
            builder.header("Authorization", bearer);
        }
        return builder.build();
    }

    @Override
    public String description() {
        return "Java (JDK HttpClient, HTTP/1.1, one client per connection-thread; latencies in a sorted sample array, "
                + "exact up to " + MAX_SAMPLES + " per window, reservoir-sampled beyond)";
    }

    @Override
    public boolean inProcess() {
        return true;
    }
}
