package dev.coffer.server.standalone;

import dev.coffer.server.api.HealthCheck;
import dev.coffer.spi.store.SecretStore;

/** Readiness checks over the SPIs. */
final class HealthChecks {
    // A well-formed id that no secret has: the lookup costs one indexed query and finds nothing.
    private static final String PROBE_ID = "sec_healthprobe0000000000000000";

    private HealthChecks() {}

    /** The store answers a lookup. */
    static HealthCheck store(SecretStore store) {
        return check("store", () -> store.findSecret("default", PROBE_ID));
    }

    /** {@code check}, run at most once per {@code interval}; a failure is remembered as long as a success. */
    static HealthCheck cached(HealthCheck check, java.time.Duration interval) {
        return new HealthCheck() {
            private long checkedAt = Long.MIN_VALUE;
            private RuntimeException lastFailure;

            @Override
            public String name() {
                return check.name();
            }

            @Override
            public synchronized void check() {
                long now = System.nanoTime();
                if (checkedAt == Long.MIN_VALUE || now - checkedAt >= interval.toNanos()) {
                    try {
                        check.check();
                        lastFailure = null;
                    } catch (RuntimeException e) {
                        lastFailure = e;
                    }
                    checkedAt = now;
                }
                if (lastFailure != null) {
                    throw lastFailure;
                }
            }
        };
    }

    /** A check named {@code name} that runs {@code probe}. */
    static HealthCheck check(String name, Runnable probe) {
        return new HealthCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void check() {
                probe.run();
            }
        };
    }
}
