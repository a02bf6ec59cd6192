package dev.coffer.server.bench;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Everything a run started (servers, databases, directories), stopped in reverse order by
 * {@link #close()}: at the end of the run, on a failure, and from a shutdown hook on Ctrl-C. Closing
 * twice does nothing the second time.
 */
final class Cleanup implements AutoCloseable {
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final Thread hook = new Thread(this::closeQuietly, "coffer-bench-cleanup");
    private boolean closed;

    Cleanup() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Registers {@code resource} and returns it. After the cleanup ran (a shutdown while the run went
     * on starting things), the resource is closed at once instead, and the run stops here.
     */
    <T extends AutoCloseable> T add(T resource) {
        synchronized (this) {
            if (!closed) {
                resources.push(resource);
                return resource;
            }
        }
        try {
            resource.close();
        } catch (Exception e) {
            System.err.println("coffer bench: cleanup: " + e.getMessage());
        }
        throw new IllegalStateException("the run is shutting down");
    }

    /** Throws when the cleanup ran (Ctrl-C): the run must start nothing more. */
    synchronized void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the run is shutting down");
        }
    }

    /** Stops {@code resource} now, and forgets it. */
    void closeNow(AutoCloseable resource) throws Exception {
        synchronized (this) {
            resources.remove(resource);
        }
        resource.close();
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is this very call.
        }
        closeQuietly();
    }

    private void closeQuietly() {
        synchronized (this) {
            closed = true;
        }
        while (true) {
            AutoCloseable next;
            synchronized (this) {
                next = resources.poll();
            }
            if (next == null) {
                return;
            }
            try {
                next.close();
            } catch (Exception e) {
                System.err.println("coffer bench: cleanup: " + e.getMessage());
            }
        }
    }
}
