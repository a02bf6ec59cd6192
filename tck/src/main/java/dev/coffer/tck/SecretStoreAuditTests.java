package dev.coffer.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.VersionState;
import dev.coffer.spi.store.AuditOutbox;
import dev.coffer.tck.support.Concurrently;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.Hooks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@link SecretStoreContract}: the audit events a {@link dev.coffer.spi.store.BeforeCommit} hook
 * returns are committed with the change, exactly once, unchanged and in order; none of a change
 * that did not happen; and, for stores that keep them, the {@link AuditOutbox} rules.
 */
abstract class SecretStoreAuditTests extends SecretStoreTestSupport {

    /** The events the store committed, oldest first; wired to {@link SecretStoreContract#committedAuditEvents}. */
    abstract List<AuditEvent> committedEvents();

    @Test
    void everyKindOfChangeCommitsItsHookEventsOnceInOrder() {
        List<AuditEvent> expected = new ArrayList<>();
        Hooks.Recording<Secret> created = Hooks.recording(TENANT, 2);
        Secret secret = store.createSecret(secret(TENANT, "prod", "audit/db"), created);
        expected.addAll(created.lastCall());
        expectCommitted(expected, "createSecret");

        Hooks.Recording<dev.coffer.spi.store.AddedVersion> pending = Hooks.recording(TENANT, 1);
        store.addVersion(TENANT, secret.id(), sealer(), WRITER, at(1), null, false, pending);
        expected.addAll(pending.lastCall());
        expectCommitted(expected, "addVersion(makeCurrent=false)");

        Hooks.Recording<dev.coffer.spi.store.AddedVersion> current = Hooks.recording(TENANT, 2);
        store.addVersion(TENANT, secret.id(), sealer(), WRITER, at(2), null, true, current);
        expected.addAll(current.lastCall());
        expectCommitted(expected, "addVersion(makeCurrent=true)");

        Hooks.Recording<dev.coffer.spi.store.AliasMove> moved = Hooks.recording(TENANT, 1);
        store.moveAlias(TENANT, secret.id(), "current", 1, OptionalInt.of(2), at(3), moved);
        expected.addAll(moved.lastCall());
        expectCommitted(expected, "moveAlias");

        Hooks.Recording<dev.coffer.spi.model.VersionRecord> disabled = Hooks.recording(TENANT, 1);
        store.transitionVersion(TENANT, secret.id(), 2, VersionState.ENABLED, VersionState.DISABLED, disabled);
        expected.addAll(disabled.lastCall());
        expectCommitted(expected, "transitionVersion");

        Hooks.Recording<Secret> replaced = Hooks.recording(TENANT, 1);
        Secret stored = store.findSecret(TENANT, secret.id()).orElseThrow();
        store.updateSecret(new Secret(stored.id(), stored.path(), "tck-other-team", stored.description(), stored.rotationStrategy(),
                stored.rotationPeriod(), stored.labels(), stored.createdAt(), at(4), stored.lastRotatedAt(), null), replaced);
        expected.addAll(replaced.lastCall());
        expectCommitted(expected, "updateSecret(Secret)");

        Hooks.Recording<Secret> merged = Hooks.recording(TENANT, 1);
        store.updateSecret(TENANT, secret.id(), s -> s.withDeletionScheduledAt(at(100), at(5)), merged);
        expected.addAll(merged.lastCall());
        expectCommitted(expected, "updateSecret(read-modify-write)");

        Hooks.Recording<Secret> deleted = Hooks.recording(TENANT, 2);
        store.deleteSecret(TENANT, secret.id(), deleted);
        expected.addAll(deleted.lastCall());
        expectCommitted(expected, "deleteSecret");
    }

    @Test
    void aHookThatThrowsCommitsNoEvent() {
        Secret secret = create("prod", "audit/undone");
        List<AuditEvent> before = committedEvents();
        RuntimeException failure = hookFailure();
        assertThrows(IllegalStateException.class, () -> store.addVersion(TENANT, secret.id(), sealer(), WRITER, at(1), null, true,
                added -> {
                    throw failure;
                }), "rule: addVersion rethrows the hook's exception");
        assertThrows(IllegalStateException.class, () -> store.createSecret(secret(TENANT, "prod", "audit/never"), s -> {
            throw failure;
        }), "rule: createSecret rethrows the hook's exception");
        assertEquals(ids(before), ids(committedEvents()), "rule: a change whose BeforeCommit.prepare threw commits no audit event"
                + " (addVersion and createSecret were undone)");
    }

    @Test
    void eventsThatFailWhileTheStoreTakesThemCommitNeitherTheChangeNorAnyEvent() {
        Secret secret = create("prod", "audit/half");
        List<AuditEvent> before = committedEvents();
        IllegalStateException failure = hookFailure();
        AuditEvent first = Hooks.draft(TENANT, "half-taken first");
        // A list whose second event cannot be read: the store has taken the first when it fails.
        List<AuditEvent> halfReadable = new java.util.AbstractList<>() {
            @Override
            public AuditEvent get(int index) {
                if (index == 1) {
                    throw failure;
                }
                return first;
            }

            @Override
            public int size() {
                return 2;
            }
        };
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> store.addVersion(TENANT, secret.id(),
                sealer(), WRITER, at(1), null, true, added -> halfReadable), "rule: addVersion rethrows what reading the hook's"
                + " events threw");
        assertTrue(thrown == failure, () -> "rule: addVersion rethrows the very exception reading the hook's events threw; got " + thrown);
        assertTrue(store.listVersions(TENANT, secret.id()).isEmpty(), () -> "rule: an addVersion whose events could not all be"
                + " taken is undone: secret " + secret.id() + " must have no version");
        assertEquals(ids(before), ids(committedEvents()), () -> "rule: an addVersion whose events could not all be taken commits"
                + " none of them (not event " + first.id() + ")");
    }

    @Test
    void aRefusedChangeCallsNoHookAndCommitsNoEvent() {
        Secret secret = create("prod", "audit/refused");
        addCurrent(secret, at(1));
        List<AuditEvent> before = committedEvents();
        Hooks.Recording<Secret> duplicate = Hooks.recording(TENANT, 1);
        Expect.thrown(ConflictException.class, ErrorCode.SECRET_EXISTS, () -> store.createSecret(secret(TENANT, "prod", "audit/refused"),
                duplicate), () -> "rule: createSecret of a taken path (prod/audit/refused) fails with SECRET_EXISTS");
        Hooks.Recording<dev.coffer.spi.store.AliasMove> stale = Hooks.recording(TENANT, 1);
        Expect.thrown(ConflictException.class, ErrorCode.VERSION_CONFLICT, () -> store.moveAlias(TENANT, secret.id(), "current", 1,
                OptionalInt.of(7), at(2), stale), () -> "rule: moveAlias with a stale expected version (7, current is 1) fails with"
                + " VERSION_CONFLICT");
        Hooks.Recording<dev.coffer.spi.model.VersionRecord> conflict = Hooks.recording(TENANT, 1);
        Expect.thrown(ConflictException.class, ErrorCode.STATE_CONFLICT, () -> store.transitionVersion(TENANT, secret.id(), 1,
                VersionState.DISABLED, VersionState.ENABLED, conflict), () -> "rule: transitionVersion from DISABLED of an ENABLED"
                + " version fails with STATE_CONFLICT");
        assertEquals(ids(before), ids(committedEvents()), "rule: a change the store refuses commits no audit event");
        assertTrue(duplicate.calls().isEmpty() && stale.calls().isEmpty() && conflict.calls().isEmpty(), () -> "rule: a store"
                + " refuses a change before it calls BeforeCommit.prepare (prepare calls: createSecret " + duplicate.calls().size()
                + ", moveAlias " + stale.calls().size() + ", transitionVersion " + conflict.calls().size() + ")");
    }

    @Test
    void concurrentChangesCommitTheEventsOfTheirCommittingTryOnly() {
        Secret secret = create("prod", "audit/contended");
        List<AuditEvent> before = committedEvents();
        int writers = 8;
        List<Hooks.Recording<dev.coffer.spi.store.AddedVersion>> hooks = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            hooks.add(Hooks.recording(TENANT, 1));
        }
        List<Concurrently.Outcome<dev.coffer.spi.model.VersionRecord>> outcomes = Concurrently.run(writers,
                i -> store.addVersion(TENANT, secret.id(), sealer(), WRITER, at(i), null, true, hooks.get(i)));
        outcomes.stream().filter(o -> !o.succeeded()).findFirst().ifPresent(o -> {
            throw new AssertionError("rule: concurrent addVersion calls with makeCurrent all succeed", o.failure());
        });
        Set<String> earlier = ids(before);
        List<String> committed = committedEvents().stream().map(AuditEvent::id).filter(id -> !earlier.contains(id)).sorted().toList();
        List<String> lastTries = hooks.stream().flatMap(h -> h.lastCall().stream()).map(AuditEvent::id).sorted().toList();
        assertEquals(lastTries, committed, () -> "rule: " + writers + " concurrent addVersion calls commit exactly the events of each"
                + " call's last BeforeCommit.prepare, each once (a store that retries prepares again and keeps only the committing try's);"
                + " prepare calls per writer: " + hooks.stream().map(h -> h.calls().size()).toList());
    }

    @Test
    void eventsComeOutUnchanged() {
        AuditEvent full = AuditEvent.builder(AuditEventType.VERSION_ADD, TENANT, "user:tck-écrivain", "tck-req-full", Decision.ALLOW,
                        Instant.parse("2030-01-02T03:04:05.123456Z"))
                .secret("prod", "audit/ünïcode").version(3).action("secrets:write").detail("alias=current from=1 to=3")
                .sourceIp("2001:db8::7").reason("rotation by the TCK").ticket("TCK-42").build();
        store.createSecret(secret(TENANT, "prod", "audit/full"), created -> List.of(full));
        AuditEvent committed = committedEvents().stream().filter(e -> full.id().equals(e.id())).findFirst().orElse(null);
        assertTrue(committed != null, () -> "rule: createSecret commits the hook's event " + full.id());
        assertEquals(full, asDraft(committed), () -> "rule: a committed audit event keeps every field as BeforeCommit.prepare returned it"
                + " (event " + full.id() + ")");
    }

    @Test
    void anOutboxHandsOutOldestFirstWithinBoundsAndForgetsWhatIsAcknowledged() {
        AuditOutbox outbox = store.auditOutbox();
        Assumptions.assumeTrue(outbox.holdsEvents(), "this store appends its events to the audit log in its own transaction");
        List<AuditEvent> expected = new ArrayList<>(outbox.pending(AuditOutbox.MAX_BATCH));
        for (int i = 0; i < 3; i++) {
            Hooks.Recording<Secret> hook = Hooks.recording(TENANT, 2);
            store.createSecret(secret(TENANT, "prod", "audit/box-" + i), hook);
            expected.addAll(hook.lastCall());
        }
        assertEquals(ids(expected.subList(0, 1)), ids(outbox.pending(1)), "rule: AuditOutbox.pending(1) returns the oldest event");
        assertEquals(expected.stream().map(AuditEvent::id).toList(), outbox.pending(AuditOutbox.MAX_BATCH).stream().map(AuditEvent::id)
                .toList(), "rule: AuditOutbox.pending returns committed events oldest first, each change's in prepare order");
        assertThrows(IllegalArgumentException.class, () -> outbox.pending(0), "rule: AuditOutbox.pending(0) is refused");
        assertThrows(IllegalArgumentException.class, () -> outbox.pending(AuditOutbox.MAX_BATCH + 1),
                "rule: AuditOutbox.pending over MAX_BATCH is refused");

        AuditEvent first = expected.get(0);
        AuditEvent third = expected.get(2);
        outbox.acknowledge(List.of(first.id(), third.id(), AuditEvent.newId()));
        List<String> left = new ArrayList<>(expected.stream().map(AuditEvent::id).toList());
        left.remove(first.id());
        left.remove(third.id());
        assertEquals(left, outbox.pending(AuditOutbox.MAX_BATCH).stream().map(AuditEvent::id).toList(), () -> "rule:"
                + " AuditOutbox.acknowledge removes exactly the given ids (" + first.id() + ", " + third.id() + ") and ignores"
                + " unknown ones");

        Hooks.Recording<Secret> later = Hooks.recording(TENANT, 1);
        store.createSecret(secret(TENANT, "prod", "audit/box-later"), later);
        left.addAll(ids(later.lastCall()));
        assertEquals(left, outbox.pending(AuditOutbox.MAX_BATCH).stream().map(AuditEvent::id).toList(),
                "rule: an acknowledged event never comes back; a later change's events come after the older ones");
        outbox.acknowledge(left);
        assertTrue(outbox.pending(AuditOutbox.MAX_BATCH).isEmpty(), "rule: AuditOutbox.pending is empty once all is acknowledged");
    }

    private void expectCommitted(List<AuditEvent> expected, String method) {
        List<AuditEvent> committed = committedEvents().stream().map(SecretStoreAuditTests::asDraft).toList();
        assertEquals(expected.stream().map(AuditEvent::id).toList(), committed.stream().map(AuditEvent::id).toList(),
                () -> "rule: " + method + " commits the events its BeforeCommit.prepare returned, once each and in order, with the change");
        assertEquals(expected, committed, () -> "rule: " + method + " commits the hook's events unchanged");
    }

    private static Set<String> ids(List<AuditEvent> events) {
        return events.stream().map(AuditEvent::id).collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    /** The draft an event was chained from: stores that write into a chain hand back seq and hashes too. */
    static AuditEvent asDraft(AuditEvent e) {
        return new AuditEvent(0, e.id(), e.eventType(), e.tenant(), e.environment(), e.path(), e.version(), e.principal(),
                e.action(), e.detail(), e.sourceIp(), e.requestId(), e.decision(), e.reason(), e.ticket(), e.createdAt(), null, null);
    }
}
