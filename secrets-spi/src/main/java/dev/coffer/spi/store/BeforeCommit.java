package dev.coffer.spi.store;

/**
 * Work a store runs inside the atomic unit of a change, after the change is applied and before
 * it becomes visible. The kernel uses it to append the change's audit events, so a change and its
 * audit commit together or not at all.
 *
 * <p>If the hook throws, the store undoes the change and rethrows the hook's exception.
 *
 * @param <T> what the change produced
 */
@FunctionalInterface
public interface BeforeCommit<T> {
    /** Runs inside the store's atomic unit with the change's result. */
    void run(T result);

    /** A hook that does nothing. */
    static <T> BeforeCommit<T> none() {
        return result -> { };
    }
}
