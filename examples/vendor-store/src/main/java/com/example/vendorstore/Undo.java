package com.example.vendorstore;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.store.BeforeCommit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The undo log of one write to {@link MapSecretStore}: every key it sets or removes, with the
 * value it had. {@link #commit} runs the hook after the writes, so the hook sees the change, puts
 * the audit events the hook returns into the outbox as part of the same write, and restores every
 * key if the hook fails. Used under the store's monitor only.
 */
final class Undo {
    private final Deque<Runnable> restores = new ArrayDeque<>();

    /** Sets {@code key} to {@code value}, remembering what it was. */
    <K, V> void put(Map<K, V> map, K key, V value) {
        remember(map, key);
        map.put(key, value);
    }

    /** Removes {@code key}, remembering what it was. */
    <K, V> void remove(Map<K, V> map, K key) {
        remember(map, key);
        map.remove(key);
    }

    /**
     * Runs {@code hook} and writes its events into {@code outbox} (event id to event); if either
     * throws, puts every key back as it was and rethrows.
     */
    <T> T commit(T result, BeforeCommit<T> hook, Map<String, AuditEvent> outbox) {
        try {
            List<AuditEvent> events = hook.prepare(result);
            for (AuditEvent event : events) {
                if (!event.isDraft() || outbox.containsKey(event.id())) {
                    throw new IllegalArgumentException("audit event " + event.id() + " is not a new draft");
                }
                put(outbox, event.id(), event);
            }
        } catch (Throwable failure) {
            while (!restores.isEmpty()) {
                restores.pop().run();
            }
            throw failure;
        }
        return result;
    }

    private <K, V> void remember(Map<K, V> map, K key) {
        boolean present = map.containsKey(key);
        V old = map.get(key);
        restores.push(present ? () -> map.put(key, old) : () -> map.remove(key));
    }
}
