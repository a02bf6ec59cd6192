package dev.coffer.server.standalone;

import dev.coffer.server.metrics.Metrics;

/** Opens the backend {@link ServeOptions} ask for. */
public final class Backends {
    private Backends() {}

    /** The durable backend (Tink + JDBI) in {@code data}, its pools measured into {@code metrics}, or the in-memory one. */
    public static Backend open(ServeOptions options, DataDir data, Metrics metrics) {
        if (options.inMemory()) {
            return new InMemoryBackend();
        }
        return DurableBackend.open(options, data, metrics);
    }
}
