package dev.coffer.server.standalone;

/** Opens the backend {@link ServeOptions} ask for. */
public final class Backends {
    private Backends() {}

    /** The durable backend (Tink + JDBI) in {@code data}, or the in-memory one. */
    public static Backend open(ServeOptions options, DataDir data) {
        if (options.inMemory()) {
            return new InMemoryBackend();
        }
        return DurableBackend.open(options, data);
    }
}
