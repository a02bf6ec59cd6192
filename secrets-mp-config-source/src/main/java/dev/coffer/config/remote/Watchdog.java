package dev.coffer.config.remote;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread, {@code coffer-watch-idle}, shared by every {@link RemoteChangeStream}: every
 * few seconds it drops streams that were silent past their idle timeout (a blocking read of the
 * JDK client's body stream has no timeout of its own). Runs only while a stream is open.
 */
final class Watchdog {
    private static final Set<RemoteChangeStream> STREAMS = ConcurrentHashMap.newKeySet();
    private static ScheduledExecutorService timer; // guarded by Watchdog.class
    private static ScheduledFuture<?> task;

    private Watchdog() {}

    static synchronized void watch(RemoteChangeStream stream) {
        STREAMS.add(stream);
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "coffer-watch-idle");
                t.setDaemon(true);
                t.setContextClassLoader(null);
                return t;
            });
            task = timer.scheduleWithFixedDelay(() -> STREAMS.forEach(RemoteChangeStream::checkIdle), 5, 5, TimeUnit.SECONDS);
        }
    }

    static synchronized void unwatch(RemoteChangeStream stream) {
        STREAMS.remove(stream);
        if (STREAMS.isEmpty() && timer != null) {
            task.cancel(false);
            timer.shutdownNow();
            timer = null;
        }
    }
}
