package dev.coffer.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.store.TenantKeyStore;
import dev.coffer.spi.store.WrappedTenantKey;
import dev.coffer.tck.support.Concurrently;
import dev.coffer.tck.support.Concurrently.Outcome;
import dev.coffer.tck.support.ContractNames;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.NoValueLeaks;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract every {@link TenantKeyStore} must meet. Extend it in your test sources and return
 * a fresh, empty store from {@link #newTenantKeyStore()}:
 *
 * <pre>{@code
 * class JdbiTenantKeyStoreTest extends TenantKeyStoreContract {
 *     @Override
 *     protected TenantKeyStore newTenantKeyStore() {
 *         return new JdbiTenantKeyStore(H2.freshDatabase());
 *     }
 * }
 * }</pre>
 *
 * <p>Proves that the first key created for a tenant wins every race and is returned to the
 * losers, that replacing is compare-and-set on the revision, that stored bytes cannot be changed
 * through arrays the caller keeps, and that tenants are isolated. The wrapped keysets are random
 * bytes: the store never opens them. If the store implements {@link AutoCloseable} it is closed
 * after each test.
 *
 * <p>Every failure message begins with {@code [TenantKeyStoreContract › testMethod]} ({@link ContractNames}) and
 * then states the rule that broke, the SPI method and the values involved, never a secret value.
 */
@ExtendWith({NoValueLeaks.class, ContractNames.class})
public abstract class TenantKeyStoreContract {
    private static final String TENANT = "tck-acme";
    private static final String OTHER_TENANT = "tck-other";
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final SecureRandom RANDOM = new SecureRandom();

    private TenantKeyStore store;

    /** A fresh store holding no key, called once per test. */
    protected abstract TenantKeyStore newTenantKeyStore();

    @BeforeEach
    final void openStore() {
        store = Objects.requireNonNull(newTenantKeyStore(), "newTenantKeyStore() returned null");
    }

    @AfterEach
    final void closeStore() throws Exception {
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    @Test
    void tenantWithoutKeyIsNotFound() {
        assertTrue(store.find(TENANT).isEmpty(), "rule: find of a tenant that has no key is empty (tenant " + TENANT + ")");
    }

    @Test
    void createIfAbsentStoresTheKeyAsRevisionOne() {
        WrappedTenantKey key = newKey(TENANT);

        WrappedTenantKey stored = store.createIfAbsent(key);

        assertEquals(key, stored, "rule: the first createIfAbsent of a tenant returns the key offered (same tenant,"
                + " keyset bytes, revision, updatedAt); tenant " + TENANT);
        assertEquals(1, stored.revision(), "rule: the first createIfAbsent of a tenant stores revision 1; tenant " + TENANT);
        assertEquals(key, found(TENANT), "rule: find returns the key createIfAbsent stored (same tenant, keyset bytes,"
                + " revision, updatedAt); tenant " + TENANT);
    }

    @Test
    void secondCreateIfAbsentReturnsTheFirstKeyUnchanged() {
        WrappedTenantKey first = store.createIfAbsent(newKey(TENANT));

        WrappedTenantKey second = store.createIfAbsent(newKey(TENANT));

        assertEquals(first, second, "rule: createIfAbsent of a tenant that has a key returns the stored key, not the"
                + " one offered (tenant " + TENANT + ", revision 1 kept)");
        assertEquals(first, found(TENANT), "rule: createIfAbsent of a tenant that has a key changes nothing; find"
                + " returns the first key (tenant " + TENANT + ")");
    }

    @Test
    void concurrentCreateIfAbsentLetsEveryCallerSeeOneWinner() {
        List<WrappedTenantKey> candidates = java.util.stream.IntStream.range(0, 16).mapToObj(i -> newKey(TENANT)).toList();

        List<Outcome<WrappedTenantKey>> outcomes = Concurrently.run(16, i -> store.createIfAbsent(candidates.get(i)));

        WrappedTenantKey winner = succeeded(outcomes.get(0), "createIfAbsent");
        for (int i = 0; i < outcomes.size(); i++) {
            int caller = i;
            assertEquals(winner, succeeded(outcomes.get(i), "createIfAbsent"),
                    () -> "rule: 16 concurrent createIfAbsent of one tenant (" + TENANT + ") have one winner and every"
                            + " caller gets the stored key; caller " + caller + " got another key than caller 0");
        }
        assertTrue(candidates.contains(winner), "rule: the key 16 concurrent createIfAbsent calls agree on is one of the"
                + " keys offered (tenant " + TENANT + ")");
        assertEquals(winner, found(TENANT), "rule: after 16 concurrent createIfAbsent calls, find returns the key every"
                + " caller got (tenant " + TENANT + ")");
    }

    @Test
    void replaceWithTheStoredRevisionStoresTheNextRevision() {
        store.createIfAbsent(newKey(TENANT));
        byte[] rewrapped = randomBytes();

        WrappedTenantKey second = store.replace(TENANT, 1, rewrapped, T0.plusSeconds(60));

        assertEquals(new WrappedTenantKey(TENANT, rewrapped, 2, T0.plusSeconds(60)), second,
                () -> "rule: replace(expected revision 1) returns revision 2 with the new keyset bytes and updatedAt "
                        + T0.plusSeconds(60) + "; tenant " + TENANT);
        assertEquals(second, found(TENANT), "rule: find returns what replace stored (tenant " + TENANT + ", revision 2)");

        WrappedTenantKey third = store.replace(TENANT, 2, randomBytes(), T0.plusSeconds(120));
        assertEquals(3, third.revision(), "rule: replace(expected revision 2) stores revision 3; tenant " + TENANT);
        assertEquals(third, found(TENANT), "rule: find returns what replace stored (tenant " + TENANT + ", revision 3)");
    }

    @Test
    void replaceWithStaleRevisionFailsWithVersionConflictAndChangesNothing() {
        store.createIfAbsent(newKey(TENANT));
        WrappedTenantKey current = store.replace(TENANT, 1, randomBytes(), T0.plusSeconds(60));

        Expect.thrown(ConflictException.class, ErrorCode.VERSION_CONFLICT,
                () -> store.replace(TENANT, 1, randomBytes(), T0.plusSeconds(120)),
                () -> "rule: replace is compare-and-set on the revision; stored revision 2, expected 1 (stale) fails with"
                        + " ConflictException VERSION_CONFLICT; tenant " + TENANT);
        Expect.thrown(ConflictException.class, ErrorCode.VERSION_CONFLICT,
                () -> store.replace(TENANT, 5, randomBytes(), T0.plusSeconds(120)),
                () -> "rule: replace is compare-and-set on the revision; stored revision 2, expected 5 (ahead) fails with"
                        + " ConflictException VERSION_CONFLICT; tenant " + TENANT);

        assertEquals(current, found(TENANT), "rule: a replace that lost its compare-and-set changes nothing; find"
                + " returns revision 2 as stored (tenant " + TENANT + ")");
    }

    @Test
    void replaceOfTenantWithoutKeyFailsWithTenantKeyNotFound() {
        Expect.thrown(NotFoundException.class, ErrorCode.TENANT_KEY_NOT_FOUND,
                () -> store.replace(TENANT, 1, randomBytes(), T0),
                () -> "rule: replace of a tenant that has no key fails with NotFoundException TENANT_KEY_NOT_FOUND;"
                        + " tenant " + TENANT + ", expected revision 1");

        assertTrue(store.find(TENANT).isEmpty(), "rule: a refused replace creates no key; find of " + TENANT
                + " stays empty");
    }

    @Test
    void concurrentReplacesOfOneRevisionLetExactlyOneWin() {
        store.createIfAbsent(newKey(TENANT));

        List<Outcome<WrappedTenantKey>> outcomes = Concurrently.run(16,
                i -> store.replace(TENANT, 1, randomBytes(), T0.plusSeconds(i)));

        List<WrappedTenantKey> wins = outcomes.stream().filter(Outcome::succeeded).map(Outcome::value).toList();
        assertEquals(1, wins.size(), "rule: replace is compare-and-set; of 16 concurrent replace(expected revision 1)"
                + " of tenant " + TENANT + " exactly one succeeds");
        for (Outcome<WrappedTenantKey> lost : outcomes.stream().filter(o -> !o.succeeded()).toList()) {
            NoValueLeaks.assertNoValueIn(lost.failure());
            ConflictException conflict = assertInstanceOf(ConflictException.class, lost.failure(),
                    () -> "rule: a concurrent replace(expected revision 1) that lost fails with ConflictException; tenant "
                            + TENANT + "; got " + lost.failure());
            assertEquals(ErrorCode.VERSION_CONFLICT, conflict.code(), "rule: a concurrent replace(expected revision 1)"
                    + " that lost fails with VERSION_CONFLICT; tenant " + TENANT);
        }
        assertEquals(wins.get(0), found(TENANT), "rule: find returns what the one winning concurrent replace stored"
                + " (tenant " + TENANT + ")");
        assertEquals(2, wins.get(0).revision(), "rule: the winning replace(expected revision 1) stores revision 2;"
                + " tenant " + TENANT);
    }

    @Test
    void arraysHandedToReplaceAreCopied() {
        store.createIfAbsent(newKey(TENANT));
        byte[] rewrapped = randomBytes();
        byte[] expected = rewrapped.clone();

        store.replace(TENANT, 1, rewrapped, T0.plusSeconds(60));
        rewrapped[0] ^= 0x01;

        assertArrayEquals(expected, found(TENANT).wrappedKeyset(), "rule: replace copies the keyset array it is handed;"
                + " the caller changing its array afterwards must not change the stored revision 2 (tenant " + TENANT
                + ")");
    }

    @Test
    void tenantsAreIsolated() {
        WrappedTenantKey mine = store.createIfAbsent(newKey(TENANT));
        assertTrue(store.find(OTHER_TENANT).isEmpty(), "rule: keys are per tenant; find of " + OTHER_TENANT
                + " is empty while only " + TENANT + " has a key");
        Expect.thrown(NotFoundException.class, ErrorCode.TENANT_KEY_NOT_FOUND,
                () -> store.replace(OTHER_TENANT, 1, randomBytes(), T0),
                () -> "rule: keys are per tenant; replace of " + OTHER_TENANT + " (no key; " + TENANT + " has revision 1)"
                        + " fails with TENANT_KEY_NOT_FOUND");

        WrappedTenantKey theirs = store.createIfAbsent(newKey(OTHER_TENANT));
        assertEquals(OTHER_TENANT, theirs.tenant(), "rule: createIfAbsent of " + OTHER_TENANT + " returns a key of "
                + OTHER_TENANT + ", not of " + TENANT);
        store.replace(OTHER_TENANT, 1, randomBytes(), T0.plusSeconds(60));

        assertEquals(mine, found(TENANT), "rule: keys are per tenant; creating and replacing " + OTHER_TENANT
                + "'s key leaves " + TENANT + "'s revision 1 as it was");
        assertEquals(2, found(OTHER_TENANT).revision(), "rule: replace(expected revision 1) of " + OTHER_TENANT
                + " stores its revision 2, next to " + TENANT + "'s revision 1");
    }

    private WrappedTenantKey found(String tenant) {
        return store.find(tenant).orElseThrow(() -> new AssertionError(
                "rule: find returns the key stored for the tenant (tenant " + tenant + "); it found none"));
    }

    private static WrappedTenantKey newKey(String tenant) {
        return new WrappedTenantKey(tenant, randomBytes(), 1, T0);
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[64];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static <T> T succeeded(Outcome<T> outcome, String method) {
        if (!outcome.succeeded()) {
            NoValueLeaks.assertNoValueIn(outcome.failure());
            throw new AssertionError("rule: concurrent " + method + " calls of one tenant (" + TENANT + ") all succeed;"
                    + " one failed: " + outcome.failure(), outcome.failure());
        }
        return outcome.value();
    }
}
