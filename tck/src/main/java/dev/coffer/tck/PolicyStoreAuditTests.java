package dev.coffer.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.access.BreakGlassGrant;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.store.PolicyStore;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.Hooks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link PolicyStoreContract}: every mutation commits its hook's audit events with it, once and
 * in order; a refused or undone one commits none.
 */
abstract class PolicyStoreAuditTests {
    static final String TENANT = "tck-acme";
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    /** The store under test; wired to the enclosing contract's. */
    abstract PolicyStore store();

    /** The events the store committed, oldest first; wired to {@link PolicyStoreContract#committedAuditEvents}. */
    abstract List<AuditEvent> committedEvents();

    @Test
    void putDeleteAndGrantCommitTheirHookEventsOnceInOrder() {
        List<AuditEvent> expected = new ArrayList<>();
        Policy policy = Policy.allow("tck-audited", List.of("user:tck-alice"), List.of("secrets:read"), List.of("prod/*"));
        Hooks.Recording<Policy> put = Hooks.recording(TENANT, 2);
        store().put(TENANT, policy, put);
        expected.addAll(put.lastCall());
        expectCommitted(expected, "put");

        Hooks.Recording<BreakGlassGrant> granted = Hooks.recording(TENANT, 1);
        store().addGrant(new BreakGlassGrant("bg-tck-audit", TENANT, "user:tck-alice", List.of("prod/db"), "incident",
                "https://tickets.example/TCK-1", T0, T0.plusSeconds(600)), granted);
        expected.addAll(granted.lastCall());
        expectCommitted(expected, "addGrant");

        Hooks.Recording<Policy> deleted = Hooks.recording(TENANT, 1);
        store().delete(TENANT, "tck-audited", deleted);
        expected.addAll(deleted.lastCall());
        expectCommitted(expected, "delete");
    }

    @Test
    void aRefusedOrUndoneChangeCommitsNoEvent() {
        List<String> before = ids(committedEvents());
        Hooks.Recording<Policy> missing = Hooks.recording(TENANT, 1);
        Expect.thrown(NotFoundException.class, ErrorCode.POLICY_NOT_FOUND, () -> store().delete(TENANT, "tck-never-put", missing),
                () -> "rule: PolicyStore.delete of a policy that does not exist (tck-never-put) fails with POLICY_NOT_FOUND");
        IllegalStateException failure = new IllegalStateException("hook failure injected by the TCK");
        Policy policy = Policy.allow("tck-undone", List.of("user:tck-alice"), List.of("secrets:read"), List.of("prod/*"));
        assertThrows(IllegalStateException.class, () -> store().put(TENANT, policy, p -> {
            throw failure;
        }), "rule: PolicyStore.put rethrows the hook's exception");
        assertEquals(before, ids(committedEvents()), "rule: a PolicyStore change that was refused or whose hook threw commits no"
                + " audit event");
        assertTrue(missing.calls().isEmpty(), "rule: PolicyStore.delete of a missing policy fails before it calls BeforeCommit.prepare");
    }

    private void expectCommitted(List<AuditEvent> expected, String method) {
        List<AuditEvent> committed = committedEvents().stream().map(SecretStoreAuditTests::asDraft).toList();
        assertEquals(ids(expected), ids(committed), () -> "rule: PolicyStore." + method + " commits the events its BeforeCommit.prepare"
                + " returned, once each and in order, with the change");
        assertEquals(expected, committed, () -> "rule: PolicyStore." + method + " commits the hook's events unchanged");
    }

    private static List<String> ids(List<AuditEvent> events) {
        return events.stream().map(AuditEvent::id).toList();
    }
}
