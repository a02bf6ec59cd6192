package dev.coffer.tck.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Polls a condition until it holds or a generous deadline (30 s) passes, for tests of background
 * work (refreshes, expiry). Never an assertion on speed: the deadline only ends a hung test.
 */
public final class Await {
    private Await() {}

    /** Returns once {@code condition} holds; fails naming {@code what} after the deadline. */
    public static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    /** Whether {@code call} throws now. */
    public static boolean throwsNow(Runnable call) {
        try {
            call.run();
            return false;
        } catch (RuntimeException e) {
            return true;
        }
    }
}
