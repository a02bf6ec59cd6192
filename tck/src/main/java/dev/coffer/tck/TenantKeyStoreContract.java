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
        assertTrue(store.find(TENANT).isEmpty());
    }

    @Test
    void createIfAbsentStoresTheKeyAsRevisionOne() {
        WrappedTenantKey key = newKey(TENANT);

        WrappedTenantKey stored = store.createIfAbsent(key);

        assertEquals(key, stored);
        assertEquals(1, stored.revision());
        assertEquals(key, store.find(TENANT).orElseThrow());
    }

    @Test
    void secondCreateIfAbsentReturnsTheFirstKeyUnchanged() {
        WrappedTenantKey first = store.createIfAbsent(newKey(TENANT));

        WrappedTenantKey second = store.createIfAbsent(newKey(TENANT));

        assertEquals(first, second);
        assertEquals(first, store.find(TENANT).orElseThrow());
    }

    @Test
    void concurrentCreateIfAbsentLetsEveryCallerSeeOneWinner() {
        List<WrappedTenantKey> candidates = java.util.stream.IntStream.range(0, 16).mapToObj(i -> newKey(TENANT)).toList();

        List<Outcome<WrappedTenantKey>> outcomes = Concurrently.run(16, i -> store.createIfAbsent(candidates.get(i)));

        WrappedTenantKey winner = succeeded(outcomes.get(0));
        for (Outcome<WrappedTenantKey> outcome : outcomes) {
            assertEquals(winner, succeeded(outcome), "every caller must get the stored key");
        }
        assertTrue(candidates.contains(winner), "the winner must be one of the keys offered");
        assertEquals(winner, store.find(TENANT).orElseThrow());
    }

    @Test
    void replaceWithTheStoredRevisionStoresTheNextRevision() {
        store.createIfAbsent(newKey(TENANT));
        byte[] rewrapped = randomBytes();

        WrappedTenantKey second = store.replace(TENANT, 1, rewrapped, T0.plusSeconds(60));

        assertEquals(new WrappedTenantKey(TENANT, rewrapped, 2, T0.plusSeconds(60)), second);
        assertEquals(second, store.find(TENANT).orElseThrow());

        WrappedTenantKey third = store.replace(TENANT, 2, randomBytes(), T0.plusSeconds(120));
        assertEquals(3, third.revision());
        assertEquals(third, store.find(TENANT).orElseThrow());
    }

    @Test
    void replaceWithStaleRevisionFailsWithVersionConflictAndChangesNothing() {
        store.createIfAbsent(newKey(TENANT));
        WrappedTenantKey current = store.replace(TENANT, 1, randomBytes(), T0.plusSeconds(60));

        Expect.thrown(ConflictException.class, ErrorCode.VERSION_CONFLICT,
                () -> store.replace(TENANT, 1, randomBytes(), T0.plusSeconds(120)));
        Expect.thrown(ConflictException.class, ErrorCode.VERSION_CONFLICT,
                () -> store.replace(TENANT, 5, randomBytes(), T0.plusSeconds(120)));

        assertEquals(current, store.find(TENANT).orElseThrow());
    }

    @Test
    void replaceOfTenantWithoutKeyFailsWithTenantKeyNotFound() {
        Expect.thrown(NotFoundException.class, ErrorCode.TENANT_KEY_NOT_FOUND,
                () -> store.replace(TENANT, 1, randomBytes(), T0));

        assertTrue(store.find(TENANT).isEmpty());
    }

    @Test
    void concurrentReplacesOfOneRevisionLetExactlyOneWin() {
        store.createIfAbsent(newKey(TENANT));

        List<Outcome<WrappedTenantKey>> outcomes = Concurrently.run(16,
                i -> store.replace(TENANT, 1, randomBytes(), T0.plusSeconds(i)));

        List<WrappedTenantKey> wins = outcomes.stream().filter(Outcome::succeeded).map(Outcome::value).toList();
        assertEquals(1, wins.size(), "exactly one replace of revision 1 may succeed");
        for (Outcome<WrappedTenantKey> lost : outcomes.stream().filter(o -> !o.succeeded()).toList()) {
            NoValueLeaks.assertNoValueIn(lost.failure());
            ConflictException conflict = assertInstanceOf(ConflictException.class, lost.failure());
            assertEquals(ErrorCode.VERSION_CONFLICT, conflict.code());
        }
        assertEquals(wins.get(0), store.find(TENANT).orElseThrow());
        assertEquals(2, wins.get(0).revision());
    }

    @Test
    void arraysHandedToReplaceAreCopied() {
        store.createIfAbsent(newKey(TENANT));
        byte[] rewrapped = randomBytes();
        byte[] expected = rewrapped.clone();

        store.replace(TENANT, 1, rewrapped, T0.plusSeconds(60));
        rewrapped[0] ^= 0x01;

        assertArrayEquals(expected, store.find(TENANT).orElseThrow().wrappedKeyset());
    }

    @Test
    void tenantsAreIsolated() {
        WrappedTenantKey mine = store.createIfAbsent(newKey(TENANT));
        assertTrue(store.find(OTHER_TENANT).isEmpty());
        Expect.thrown(NotFoundException.class, ErrorCode.TENANT_KEY_NOT_FOUND,
                () -> store.replace(OTHER_TENANT, 1, randomBytes(), T0));

        WrappedTenantKey theirs = store.createIfAbsent(newKey(OTHER_TENANT));
        assertEquals(OTHER_TENANT, theirs.tenant());
        store.replace(OTHER_TENANT, 1, randomBytes(), T0.plusSeconds(60));

        assertEquals(mine, store.find(TENANT).orElseThrow());
        assertEquals(2, store.find(OTHER_TENANT).orElseThrow().revision());
    }

    private static WrappedTenantKey newKey(String tenant) {
        return new WrappedTenantKey(tenant, randomBytes(), 1, T0);
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[64];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static <T> T succeeded(Outcome<T> outcome) {
        if (!outcome.succeeded()) {
            NoValueLeaks.assertNoValueIn(outcome.failure());
            throw new AssertionError("a concurrent call failed: " + outcome.failure(), outcome.failure());
        }
        return outcome.value();
    }
}
