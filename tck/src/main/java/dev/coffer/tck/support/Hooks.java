package dev.coffer.tck.support;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.store.BeforeCommit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/** {@link BeforeCommit} hooks for the SPI contracts: watch what a store hands them, return drafts. */
public final class Hooks {
    private Hooks() {}

    /** A hook that hands the result to {@code seen} and has no events. */
    public static <T> BeforeCommit<T> seeing(Consumer<T> seen) {
        return result -> {
            seen.accept(result);
            return List.of();
        };
    }

    /**
     * A hook that returns {@code count} fresh drafts per call and remembers each call's, so a test
     * can check which call's events a store committed.
     */
    public static <T> Recording<T> recording(String tenant, int count) {
        return new Recording<>(tenant, count);
    }

    /** A draft that stands for one audit event of a change; it names the change in its detail. */
    public static AuditEvent draft(String tenant, String change) {
        return AuditEvent.builder(AuditEventType.SECRET_UPDATE, tenant, "user:tck-store", "tck-" + AuditEvent.newId(),
                        Decision.ALLOW, Instant.parse("2030-01-01T00:00:00Z"))
                .detail("tck change " + change).build();
    }

    /** See {@link #recording}. */
    public static final class Recording<T> implements BeforeCommit<T> {
        private final String tenant;
        private final int count;
        private final List<List<AuditEvent>> calls = Collections.synchronizedList(new ArrayList<>());
        private final List<T> results = Collections.synchronizedList(new ArrayList<>());

        private Recording(String tenant, int count) {
            this.tenant = tenant;
            this.count = count;
        }

        @Override
        public List<AuditEvent> prepare(T result) {
            results.add(result);
            List<AuditEvent> events = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                events.add(draft(tenant, "call " + (calls.size() + 1) + " event " + (i + 1)));
            }
            List<AuditEvent> returned = List.copyOf(events);
            calls.add(returned);
            return returned;
        }

        /** The events of every call, in call order. */
        public List<List<AuditEvent>> calls() {
            synchronized (calls) {
                return List.copyOf(calls);
            }
        }

        /** The events of the latest call; empty if none. */
        public List<AuditEvent> lastCall() {
            synchronized (calls) {
                return calls.isEmpty() ? List.of() : calls.get(calls.size() - 1);
            }
        }

        /** The result the latest call was given, or {@code null}. */
        public T lastResult() {
            synchronized (results) {
                return results.isEmpty() ? null : results.get(results.size() - 1);
            }
        }
    }
}
