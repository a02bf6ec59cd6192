package dev.coffer.server.bench;

/** A load generator: drives one window and reports what it saw. */
public interface LoadDriver {
    /** Runs the window; a failure to run at all is an {@link IllegalStateException}, errors in the window are counted. */
    LoadResult run(LoadSpec spec) throws InterruptedException;

    /** The driver's name as the report prints it, with how it records latencies. */
    String description();

    /** Whether the driver runs inside this JVM (its CPU is then this process's). */
    boolean inProcess();
}
