package dev.coffer.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.access.BreakGlassGrant;
import dev.coffer.spi.access.Conditions;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.store.AuditOutbox;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.PolicyStore;
import dev.coffer.tck.support.Hooks;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.NoValueLeaks;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract every {@link PolicyStore} must meet. Extend it in your test sources and return a
 * fresh, empty store from {@link #newPolicyStore()}:
 *
 * <pre>{@code
 * class JdbiPolicyStoreTest extends PolicyStoreContract {
 *     @Override
 *     protected PolicyStore newPolicyStore() {
 *         return new JdbiPolicyStore(H2.freshDatabase());
 *     }
 * }
 * }</pre>
 *
 * <p>Proves that policies are created, replaced, listed by name and deleted per tenant; that a
 * failing hook undoes its change and the caller gets the hook's own exception; and that
 * break-glass grants are returned only to their principal, in their tenant, while
 * {@code createdAt <= now < expiresAt}. If the store implements {@link AutoCloseable} it is
 * closed after each test.
 */
@ExtendWith(NoValueLeaks.class)
public abstract class PolicyStoreContract {
    private static final String TENANT = "tck-acme";
    private static final String OTHER_TENANT = "tck-other";
    private static final String ALICE = "user:tck-alice";
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private PolicyStore store;

    /** A fresh store holding no policy and no grant, called once per test. */
    protected abstract PolicyStore newPolicyStore();

    /**
     * The audit events {@code store} committed with its changes, oldest first. By default its
     * {@link AuditOutbox#pending} events; a store whose outbox is {@link AuditOutbox#none()} must
     * override this to read them from the audit log it writes them to.
     */
    protected List<AuditEvent> committedAuditEvents(PolicyStore store) {
        AuditOutbox outbox = store.auditOutbox();
        if (!outbox.holdsEvents()) {
            throw new AssertionError("this store's auditOutbox() is AuditOutbox.none(): override"
                    + " PolicyStoreContract.committedAuditEvents to read its events from the audit log it writes them to");
        }
        return outbox.pending(AuditOutbox.MAX_BATCH);
    }

    /** Mutations commit their hook's audit events. */
    @Nested
    class Audit extends PolicyStoreAuditTests {
        @Override
        PolicyStore store() {
            return store;
        }

        @Override
        List<AuditEvent> committedEvents() {
            return committedAuditEvents(store);
        }
    }

    @BeforeEach
    final void openStore() {
        store = Objects.requireNonNull(newPolicyStore(), "newPolicyStore() returned null");
    }

    @AfterEach
    final void closeStore() throws Exception {
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    @Test
    void putPolicyIsFoundByName() {
        Policy policy = readers("payments-read", "prod/payments/*");

        assertEquals(policy, store.put(TENANT, policy, BeforeCommit.none()));

        assertEquals(policy, store.get(TENANT, "payments-read").orElseThrow());
        assertTrue(store.get(TENANT, "unknown").isEmpty());
    }

    @Test
    void conditionsAndDenyEffectAreKept() {
        Policy policy = Policy.deny("no-prod-without-mfa", List.of("group:contractors", "service:*"),
                        List.of("secrets:read", "secrets:rotate"), List.of("prod/+/db", "prod/payments/*"))
                .withConditions(Conditions.none().withMfa().withTicketRequired().withSourceCidr("10.0.0.0/8")
                        .withSourceCluster("eu-1"));

        store.put(TENANT, policy, BeforeCommit.none());

        assertEquals(policy, store.get(TENANT, policy.name()).orElseThrow());
    }

    @Test
    void putWithTakenNameReplacesThePolicy() {
        store.put(TENANT, readers("payments-read", "prod/payments/*"), BeforeCommit.none());
        Policy replacement = readers("payments-read", "staging/payments/*");

        store.put(TENANT, replacement, BeforeCommit.none());

        assertEquals(replacement, store.get(TENANT, "payments-read").orElseThrow());
        assertEquals(List.of(replacement), store.list(TENANT));
    }

    @Test
    void listIsSortedByName() {
        for (String name : List.of("zeta", "alpha", "mid", "beta")) {
            store.put(TENANT, readers(name, "prod/" + name + "/*"), BeforeCommit.none());
        }

        assertEquals(List.of("alpha", "beta", "mid", "zeta"), store.list(TENANT).stream().map(Policy::name).toList());
    }

    @Test
    void listOfTenantWithoutPoliciesIsEmpty() {
        store.put(OTHER_TENANT, readers("payments-read", "prod/payments/*"), BeforeCommit.none());

        assertTrue(store.list(TENANT).isEmpty());
    }

    @Test
    void deleteRemovesThePolicy() {
        Policy doomed = readers("payments-read", "prod/payments/*");
        store.put(TENANT, doomed, BeforeCommit.none());
        store.put(TENANT, readers("search-read", "prod/search/*"), BeforeCommit.none());
        AtomicReference<Policy> seen = new AtomicReference<>();

        store.delete(TENANT, "payments-read", Hooks.seeing(seen::set));

        assertTrue(store.get(TENANT, "payments-read").isEmpty());
        assertEquals(List.of("search-read"), store.list(TENANT).stream().map(Policy::name).toList());
        assertEquals(doomed, seen.get(), "the hook sees the deleted policy");
    }

    @Test
    void deleteOfUnknownPolicyFailsWithPolicyNotFound() {
        Expect.thrown(NotFoundException.class, ErrorCode.POLICY_NOT_FOUND,
                () -> store.delete(TENANT, "unknown", BeforeCommit.none()));
    }

    @Test
    void tenantsNeverSeeEachOthersPolicies() {
        Policy mine = readers("payments-read", "prod/payments/*");
        Policy theirs = readers("payments-read", "dev/payments/*");
        store.put(TENANT, mine, BeforeCommit.none());
        store.put(OTHER_TENANT, theirs, BeforeCommit.none());
        store.put(TENANT, readers("only-mine", "prod/search/*"), BeforeCommit.none());

        assertEquals(mine, store.get(TENANT, "payments-read").orElseThrow());
        assertEquals(theirs, store.get(OTHER_TENANT, "payments-read").orElseThrow());
        assertTrue(store.get(OTHER_TENANT, "only-mine").isEmpty());
        Expect.thrown(NotFoundException.class, ErrorCode.POLICY_NOT_FOUND,
                () -> store.delete(OTHER_TENANT, "only-mine", BeforeCommit.none()));

        store.delete(OTHER_TENANT, "payments-read", BeforeCommit.none());
        assertEquals(mine, store.get(TENANT, "payments-read").orElseThrow());
        assertEquals(List.of("only-mine", "payments-read"), store.list(TENANT).stream().map(Policy::name).sorted().toList());
    }

    @Test
    void putHookSeesThePolicy() {
        Policy policy = readers("payments-read", "prod/payments/*");
        AtomicReference<Policy> seen = new AtomicReference<>();

        store.put(TENANT, policy, Hooks.seeing(seen::set));

        assertEquals(policy, seen.get());
    }

    @Test
    void failingPutHookCreatesNothing() {
        IllegalStateException failure = new IllegalStateException("hook failure injected by the TCK");

        assertSame(failure, Expect.thrown(IllegalStateException.class,
                () -> store.put(TENANT, readers("payments-read", "prod/payments/*"), failing(failure))));

        assertTrue(store.get(TENANT, "payments-read").isEmpty());
        assertTrue(store.list(TENANT).isEmpty());
    }

    @Test
    void failingPutHookKeepsTheReplacedPolicy() {
        Policy original = readers("payments-read", "prod/payments/*");
        store.put(TENANT, original, BeforeCommit.none());
        IllegalStateException failure = new IllegalStateException("hook failure injected by the TCK");

        assertSame(failure, Expect.thrown(IllegalStateException.class,
                () -> store.put(TENANT, readers("payments-read", "prod/*"), failing(failure))));

        assertEquals(original, store.get(TENANT, "payments-read").orElseThrow());
    }

    @Test
    void failingDeleteHookKeepsThePolicy() {
        Policy original = readers("payments-read", "prod/payments/*");
        store.put(TENANT, original, BeforeCommit.none());
        IllegalStateException failure = new IllegalStateException("hook failure injected by the TCK");

        assertSame(failure, Expect.thrown(IllegalStateException.class,
                () -> store.delete(TENANT, "payments-read", failing(failure))));

        assertEquals(original, store.get(TENANT, "payments-read").orElseThrow());
    }

    @Test
    void grantIsActiveForItsPrincipalWithinItsWindow() {
        BreakGlassGrant grant = grant("bg_first", TENANT, ALICE, T0, Duration.ofMinutes(30));
        AtomicReference<BreakGlassGrant> seen = new AtomicReference<>();

        assertEquals(grant, store.addGrant(grant, Hooks.seeing(seen::set)));

        assertEquals(grant, seen.get());
        assertEquals(List.of(grant), store.activeGrants(TENANT, ALICE, T0), "active from createdAt on");
        assertEquals(List.of(grant), store.activeGrants(TENANT, ALICE, T0.plusSeconds(29 * 60)));
        assertEquals(List.of(grant), store.activeGrants(TENANT, ALICE, T0.plus(Duration.ofMinutes(30)).minusNanos(1000)));
    }

    @Test
    void grantIsInactiveBeforeItsStartAndFromItsExpiry() {
        store.addGrant(grant("bg_first", TENANT, ALICE, T0, Duration.ofMinutes(30)), BeforeCommit.none());

        assertTrue(store.activeGrants(TENANT, ALICE, T0.minusSeconds(1)).isEmpty());
        assertTrue(store.activeGrants(TENANT, ALICE, T0.plus(Duration.ofMinutes(30))).isEmpty(), "expiresAt is exclusive");
        assertTrue(store.activeGrants(TENANT, ALICE, T0.plus(Duration.ofDays(1))).isEmpty());
    }

    @Test
    void grantsAreReturnedOnlyToTheirPrincipalAndTenant() {
        BreakGlassGrant alices = grant("bg_alice", TENANT, ALICE, T0, Duration.ofMinutes(30));
        BreakGlassGrant bobs = grant("bg_bob", TENANT, "user:tck-bob", T0, Duration.ofMinutes(30));
        BreakGlassGrant otherAlices = grant("bg_other", OTHER_TENANT, ALICE, T0, Duration.ofMinutes(30));
        for (BreakGlassGrant g : List.of(alices, bobs, otherAlices)) {
            store.addGrant(g, BeforeCommit.none());
        }

        Instant now = T0.plusSeconds(60);
        assertEquals(List.of(alices), store.activeGrants(TENANT, ALICE, now));
        assertEquals(List.of(bobs), store.activeGrants(TENANT, "user:tck-bob", now));
        assertEquals(List.of(otherAlices), store.activeGrants(OTHER_TENANT, ALICE, now));
        assertTrue(store.activeGrants(OTHER_TENANT, "user:tck-bob", now).isEmpty());
        assertTrue(store.activeGrants(TENANT, "user:tck-carol", now).isEmpty());
    }

    @Test
    void onlyTheGrantsInForceAreReturned() {
        BreakGlassGrant expired = grant("bg_expired", TENANT, ALICE, T0, Duration.ofMinutes(5));
        BreakGlassGrant running = grant("bg_running", TENANT, ALICE, T0, Duration.ofHours(2));
        BreakGlassGrant later = grant("bg_later", TENANT, ALICE, T0.plus(Duration.ofHours(1)), Duration.ofHours(1));
        BreakGlassGrant alsoRunning = grant("bg_also", TENANT, ALICE, T0.plusSeconds(60), Duration.ofHours(1));
        for (BreakGlassGrant g : List.of(expired, running, later, alsoRunning)) {
            store.addGrant(g, BeforeCommit.none());
        }

        Set<String> active = store.activeGrants(TENANT, ALICE, T0.plus(Duration.ofMinutes(10))).stream()
                .map(BreakGlassGrant::id).collect(Collectors.toSet());

        assertEquals(Set.of("bg_running", "bg_also"), active);
    }

    @Test
    void failingGrantHookStoresNoGrant() {
        IllegalStateException failure = new IllegalStateException("hook failure injected by the TCK");

        assertSame(failure, Expect.thrown(IllegalStateException.class,
                () -> store.addGrant(grant("bg_first", TENANT, ALICE, T0, Duration.ofMinutes(30)), failing(failure))));

        assertTrue(store.activeGrants(TENANT, ALICE, T0.plusSeconds(1)).isEmpty());
    }

    private static Policy readers(String name, String resource) {
        return Policy.allow(name, List.of("service:prod:payments-api", "group:payments-oncall"), List.of("secrets:read"),
                List.of(resource));
    }

    private static BreakGlassGrant grant(String id, String tenant, String principal, Instant from, Duration lasting) {
        return new BreakGlassGrant(id, tenant, principal, List.of("prod/payments/*"), "payments outage",
                "https://tickets.example/INC-1", from, from.plus(lasting));
    }

    private static <T> BeforeCommit<T> failing(RuntimeException failure) {
        return result -> {
            throw failure;
        };
    }
}
