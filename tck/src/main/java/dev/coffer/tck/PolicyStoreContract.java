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
import dev.coffer.tck.support.ContractNames;
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
 *
 * <p>Every failure message begins with {@code [PolicyStoreContract › testMethod]} ({@link ContractNames}) and
 * then states the rule that broke, the SPI method and the values involved, never a secret value.
 */
@ExtendWith({NoValueLeaks.class, ContractNames.class})
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

        assertEquals(policy, store.put(TENANT, policy, BeforeCommit.none()),
                "rule: put returns the policy it stored (tenant " + TENANT + ", policy payments-read)");

        assertEquals(policy, store.get(TENANT, "payments-read").orElseThrow(
                        () -> new AssertionError("rule: get finds a policy after put (tenant " + TENANT
                                + ", policy payments-read); it found none")),
                "rule: get returns the policy as put (tenant " + TENANT + ", policy payments-read)");
        assertTrue(store.get(TENANT, "unknown").isEmpty(),
                "rule: get of a name never put is empty (tenant " + TENANT + ", policy unknown)");
    }

    @Test
    void conditionsAndDenyEffectAreKept() {
        Policy policy = Policy.deny("no-prod-without-mfa", List.of("group:contractors", "service:*"),
                        List.of("secrets:read", "secrets:rotate"), List.of("prod/+/db", "prod/payments/*"))
                .withConditions(Conditions.none().withMfa().withTicketRequired().withSourceCidr("10.0.0.0/8")
                        .withSourceCluster("eu-1"));

        store.put(TENANT, policy, BeforeCommit.none());

        assertEquals(policy, found(TENANT, policy.name()),
                "rule: put then get keeps every field of a policy: the deny effect, principals, actions, resources"
                        + " and every condition (mfa, ticket, source CIDR, source cluster); policy no-prod-without-mfa");
    }

    @Test
    void putWithTakenNameReplacesThePolicy() {
        store.put(TENANT, readers("payments-read", "prod/payments/*"), BeforeCommit.none());
        Policy replacement = readers("payments-read", "staging/payments/*");

        store.put(TENANT, replacement, BeforeCommit.none());

        assertEquals(replacement, found(TENANT, "payments-read"),
                "rule: put with a name already taken replaces that policy; get returns the replacement"
                        + " (policy payments-read, resource staging/payments/*)");
        assertEquals(List.of(replacement), store.list(TENANT),
                "rule: put with a name already taken replaces the policy; list holds it once, as replaced"
                        + " (tenant " + TENANT + ", policy payments-read)");
    }

    @Test
    void listIsSortedByName() {
        for (String name : List.of("zeta", "alpha", "mid", "beta")) {
            store.put(TENANT, readers(name, "prod/" + name + "/*"), BeforeCommit.none());
        }

        assertEquals(List.of("alpha", "beta", "mid", "zeta"), store.list(TENANT).stream().map(Policy::name).toList(),
                "rule: list returns the tenant's policies sorted by name, whatever the order of put"
                        + " (put zeta, alpha, mid, beta)");
    }

    @Test
    void listOfTenantWithoutPoliciesIsEmpty() {
        store.put(OTHER_TENANT, readers("payments-read", "prod/payments/*"), BeforeCommit.none());

        assertTrue(store.list(TENANT).isEmpty(), () -> "rule: list of a tenant without policies is empty (tenant "
                + TENANT + ", while " + OTHER_TENANT + " has payments-read); got " + names(TENANT));
    }

    @Test
    void deleteRemovesThePolicy() {
        Policy doomed = readers("payments-read", "prod/payments/*");
        store.put(TENANT, doomed, BeforeCommit.none());
        store.put(TENANT, readers("search-read", "prod/search/*"), BeforeCommit.none());
        AtomicReference<Policy> seen = new AtomicReference<>();

        store.delete(TENANT, "payments-read", Hooks.seeing(seen::set));

        assertTrue(store.get(TENANT, "payments-read").isEmpty(),
                "rule: after delete, get of the deleted policy is empty (tenant " + TENANT + ", policy payments-read)");
        assertEquals(List.of("search-read"), store.list(TENANT).stream().map(Policy::name).toList(),
                "rule: delete removes only the named policy; list keeps the others (deleted payments-read,"
                        + " kept search-read)");
        assertEquals(doomed, seen.get(), "rule: the delete hook sees the deleted policy (policy payments-read)");
    }

    @Test
    void deleteOfUnknownPolicyFailsWithPolicyNotFound() {
        Expect.thrown(NotFoundException.class, ErrorCode.POLICY_NOT_FOUND,
                () -> store.delete(TENANT, "unknown", BeforeCommit.none()),
                () -> "rule: delete of a policy that does not exist fails with NotFoundException POLICY_NOT_FOUND"
                        + " (tenant " + TENANT + ", policy unknown)");
    }

    @Test
    void tenantsNeverSeeEachOthersPolicies() {
        Policy mine = readers("payments-read", "prod/payments/*");
        Policy theirs = readers("payments-read", "dev/payments/*");
        store.put(TENANT, mine, BeforeCommit.none());
        store.put(OTHER_TENANT, theirs, BeforeCommit.none());
        store.put(TENANT, readers("only-mine", "prod/search/*"), BeforeCommit.none());

        assertEquals(mine, found(TENANT, "payments-read"),
                "rule: policies are per tenant; get in " + TENANT + " returns " + TENANT + "'s payments-read"
                        + " (resource prod/payments/*), not " + OTHER_TENANT + "'s of the same name");
        assertEquals(theirs, found(OTHER_TENANT, "payments-read"),
                "rule: policies are per tenant; get in " + OTHER_TENANT + " returns " + OTHER_TENANT + "'s payments-read"
                        + " (resource dev/payments/*), not " + TENANT + "'s of the same name");
        assertTrue(store.get(OTHER_TENANT, "only-mine").isEmpty(),
                "rule: get in " + OTHER_TENANT + " does not find " + TENANT + "'s policy only-mine");
        Expect.thrown(NotFoundException.class, ErrorCode.POLICY_NOT_FOUND,
                () -> store.delete(OTHER_TENANT, "only-mine", BeforeCommit.none()),
                () -> "rule: delete in " + OTHER_TENANT + " of " + TENANT + "'s policy only-mine fails with"
                        + " POLICY_NOT_FOUND");

        store.delete(OTHER_TENANT, "payments-read", BeforeCommit.none());
        assertEquals(mine, found(TENANT, "payments-read"),
                "rule: delete in " + OTHER_TENANT + " of payments-read leaves " + TENANT + "'s payments-read as it was");
        assertEquals(List.of("only-mine", "payments-read"), store.list(TENANT).stream().map(Policy::name).sorted().toList(),
                "rule: deletes in " + OTHER_TENANT + " (only-mine refused, payments-read deleted) leave " + TENANT
                        + "'s list as it was: only-mine, payments-read");
    }

    @Test
    void putHookSeesThePolicy() {
        Policy policy = readers("payments-read", "prod/payments/*");
        AtomicReference<Policy> seen = new AtomicReference<>();

        store.put(TENANT, policy, Hooks.seeing(seen::set));

        assertEquals(policy, seen.get(), "rule: the put hook sees the policy being put (policy payments-read)");
    }

    @Test
    void failingPutHookCreatesNothing() {
        IllegalStateException failure = new IllegalStateException("hook failure injected by the TCK");

        assertSame(failure, Expect.thrown(IllegalStateException.class,
                        () -> store.put(TENANT, readers("payments-read", "prod/payments/*"), failing(failure)),
                        () -> "rule: put rethrows the hook's own exception (IllegalStateException); policy payments-read"),
                "rule: put rethrows the very exception its hook threw, not a wrapper or copy (policy payments-read)");

        assertTrue(store.get(TENANT, "payments-read").isEmpty(),
                "rule: a failing put hook undoes the put; get of the new policy payments-read is empty");
        assertTrue(store.list(TENANT).isEmpty(), () -> "rule: a failing put hook undoes the put; list of tenant "
                + TENANT + " stays empty; got " + names(TENANT));
    }

    @Test
    void failingPutHookKeepsTheReplacedPolicy() {
        Policy original = readers("payments-read", "prod/payments/*");
        store.put(TENANT, original, BeforeCommit.none());
        IllegalStateException failure = new IllegalStateException("hook failure injected by the TCK");

        assertSame(failure, Expect.thrown(IllegalStateException.class,
                        () -> store.put(TENANT, readers("payments-read", "prod/*"), failing(failure)),
                        () -> "rule: put rethrows the hook's own exception (IllegalStateException); replacing policy"
                                + " payments-read"),
                "rule: put rethrows the very exception its hook threw, not a wrapper or copy (replacing policy"
                        + " payments-read)");

        assertEquals(original, found(TENANT, "payments-read"),
                "rule: a failing put hook undoes the replacement; payments-read keeps resource prod/payments/*,"
                        + " not prod/*");
    }

    @Test
    void failingDeleteHookKeepsThePolicy() {
        Policy original = readers("payments-read", "prod/payments/*");
        store.put(TENANT, original, BeforeCommit.none());
        IllegalStateException failure = new IllegalStateException("hook failure injected by the TCK");

        assertSame(failure, Expect.thrown(IllegalStateException.class,
                        () -> store.delete(TENANT, "payments-read", failing(failure)),
                        () -> "rule: delete rethrows the hook's own exception (IllegalStateException); policy"
                                + " payments-read"),
                "rule: delete rethrows the very exception its hook threw, not a wrapper or copy (policy payments-read)");

        assertEquals(original, store.get(TENANT, "payments-read").orElseThrow(
                        () -> new AssertionError("rule: a failing delete hook undoes the delete; policy payments-read"
                                + " must still be found, but get is empty")),
                "rule: a failing delete hook undoes the delete; payments-read stays as it was");
    }

    @Test
    void grantIsActiveForItsPrincipalWithinItsWindow() {
        BreakGlassGrant grant = grant("bg_first", TENANT, ALICE, T0, Duration.ofMinutes(30));
        AtomicReference<BreakGlassGrant> seen = new AtomicReference<>();

        assertEquals(grant, store.addGrant(grant, Hooks.seeing(seen::set)), "rule: addGrant returns the grant it stored (bg_first)");

        assertEquals(grant, seen.get(), "rule: the addGrant hook sees the grant being added (bg_first)");
        assertEquals(List.of(grant), store.activeGrants(TENANT, ALICE, T0),
                () -> "rule: activeGrants includes a grant from its createdAt on (inclusive); bg_first for " + ALICE
                        + ", createdAt " + T0 + ", asked at " + T0);
        Instant inside = T0.plusSeconds(29 * 60);
        assertEquals(List.of(grant), store.activeGrants(TENANT, ALICE, inside),
                () -> "rule: activeGrants includes a grant while createdAt <= now < expiresAt; bg_first for " + ALICE
                        + ", " + T0 + " .. " + grant.expiresAt() + ", asked at " + inside);
        Instant lastMoment = T0.plus(Duration.ofMinutes(30)).minusNanos(1000);
        assertEquals(List.of(grant), store.activeGrants(TENANT, ALICE, lastMoment),
                () -> "rule: activeGrants includes a grant up to just before expiresAt; bg_first for " + ALICE
                        + ", expiresAt " + grant.expiresAt() + ", asked at " + lastMoment);
    }

    @Test
    void grantIsInactiveBeforeItsStartAndFromItsExpiry() {
        store.addGrant(grant("bg_first", TENANT, ALICE, T0, Duration.ofMinutes(30)), BeforeCommit.none());

        Instant before = T0.minusSeconds(1);
        assertTrue(store.activeGrants(TENANT, ALICE, before).isEmpty(),
                () -> "rule: activeGrants excludes a grant before its createdAt; bg_first for " + ALICE + ", createdAt "
                        + T0 + ", asked at " + before);
        Instant expiry = T0.plus(Duration.ofMinutes(30));
        assertTrue(store.activeGrants(TENANT, ALICE, expiry).isEmpty(),
                () -> "rule: expiresAt is exclusive; activeGrants excludes bg_first for " + ALICE + " at its expiresAt "
                        + expiry);
        Instant dayLater = T0.plus(Duration.ofDays(1));
        assertTrue(store.activeGrants(TENANT, ALICE, dayLater).isEmpty(),
                () -> "rule: activeGrants excludes a grant after its expiresAt; bg_first for " + ALICE + ", expiresAt "
                        + expiry + ", asked at " + dayLater);
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
        assertEquals(List.of(alices), store.activeGrants(TENANT, ALICE, now),
                "rule: activeGrants returns only the grants of that tenant and principal: bg_alice for " + ALICE
                        + " in " + TENANT + " (not bg_bob, not " + OTHER_TENANT + "'s bg_other)");
        assertEquals(List.of(bobs), store.activeGrants(TENANT, "user:tck-bob", now),
                "rule: activeGrants returns only the grants of that tenant and principal: bg_bob for user:tck-bob in "
                        + TENANT);
        assertEquals(List.of(otherAlices), store.activeGrants(OTHER_TENANT, ALICE, now),
                "rule: activeGrants returns only the grants of that tenant and principal: bg_other for " + ALICE
                        + " in " + OTHER_TENANT + " (not " + TENANT + "'s bg_alice)");
        assertTrue(store.activeGrants(OTHER_TENANT, "user:tck-bob", now).isEmpty(),
                "rule: activeGrants for user:tck-bob in " + OTHER_TENANT + " is empty (bg_bob is in " + TENANT + ")");
        assertTrue(store.activeGrants(TENANT, "user:tck-carol", now).isEmpty(),
                "rule: activeGrants for a principal without grants (user:tck-carol in " + TENANT + ") is empty");
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

        Instant now = T0.plus(Duration.ofMinutes(10));
        Set<String> active = store.activeGrants(TENANT, ALICE, now).stream()
                .map(BreakGlassGrant::id).collect(Collectors.toSet());

        assertEquals(Set.of("bg_running", "bg_also"), active,
                () -> "rule: activeGrants returns exactly the grants with createdAt <= now < expiresAt; at " + now
                        + " those are bg_running and bg_also, not bg_expired (ended) nor bg_later (not started)");
    }

    @Test
    void failingGrantHookStoresNoGrant() {
        IllegalStateException failure = new IllegalStateException("hook failure injected by the TCK");

        assertSame(failure, Expect.thrown(IllegalStateException.class,
                        () -> store.addGrant(grant("bg_first", TENANT, ALICE, T0, Duration.ofMinutes(30)), failing(failure)),
                        () -> "rule: addGrant rethrows the hook's own exception (IllegalStateException); grant bg_first"),
                "rule: addGrant rethrows the very exception its hook threw, not a wrapper or copy (grant bg_first)");

        assertTrue(store.activeGrants(TENANT, ALICE, T0.plusSeconds(1)).isEmpty(),
                "rule: a failing addGrant hook undoes the add; activeGrants for " + ALICE + " in its window is empty"
                        + " (grant bg_first)");
    }

    private Policy found(String tenant, String name) {
        return store.get(tenant, name).orElseThrow(() -> new AssertionError(
                "rule: get finds the policy put under that name (tenant " + tenant + ", policy " + name
                        + "); it found none"));
    }

    private List<String> names(String tenant) {
        return store.list(tenant).stream().map(Policy::name).toList();
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
