package dev.coffer.tink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.crypto.ValueBinding;
import dev.coffer.spi.memory.InMemoryTenantKeyStore;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.tck.support.Concurrently;
import dev.coffer.tck.support.MutableClock;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import dev.coffer.tink.root.RootKey;
import dev.coffer.tink.root.RootKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The cache of unwrapped tenant keysets keeps the root key off the hot path: at most one root
 * call per tenant per TTL, and concurrent misses share one call. Shown with a root key that
 * counts its calls.
 */
@ExtendWith(NoValueLeaks.class)
class TenantKeyCacheTest {
    private static final List<String> TENANTS = List.of("acme", "globex", "initech");

    private final RootKey root = RootKeys.ephemeral();
    private final InMemoryTenantKeyStore tenantKeys = new InMemoryTenantKeyStore();

    private record Sealed(ValueBinding binding, SealedValue sealed, String text) {}

    /** Seals 3 values per tenant with a separate envelope, as another server instance would have. */
    private List<Sealed> sealedElsewhere() {
        TinkEnvelope writer = TinkEnvelope.builder().rootKey(root).tenantKeyStore(tenantKeys).build();
        List<Sealed> sealed = new ArrayList<>();
        for (String tenant : TENANTS) {
            for (int version = 1; version <= 3; version++) {
                ValueBinding binding = new ValueBinding(SecretPath.of(tenant, "prod", "db/password"), version);
                String text = TestValues.text();
                sealed.add(new Sealed(binding, writer.seal(SecretValue.ofUtf8(text), binding), text));
            }
        }
        return sealed;
    }

    @Test
    void tenThousandReadsAcrossThreeTenantsCostAtMostThreeRootDecrypts() {
        List<Sealed> sealed = sealedElsewhere();
        CountingRootKey counting = new CountingRootKey(root);
        TinkEnvelope reader = TinkEnvelope.builder().rootKey(counting).tenantKeyStore(tenantKeys).build();
        int threads = 8;
        int readsPerThread = 10_000 / threads;

        List<Concurrently.Outcome<Integer>> outcomes = Concurrently.run(threads, thread -> {
            for (int i = 0; i < readsPerThread; i++) {
                Sealed s = sealed.get((thread + i) % sealed.size());
                try (SecretValue opened = reader.open(s.sealed(), s.binding())) {
                    if (!s.text().equals(opened.asUtf8())) {
                        throw new AssertionError("read of " + s.binding() + " returned another value");
                    }
                }
            }
            return readsPerThread;
        });

        int reads = 0;
        for (Concurrently.Outcome<Integer> outcome : outcomes) {
            if (!outcome.succeeded()) {
                throw new AssertionError("a concurrent read failed", outcome.failure());
            }
            reads += outcome.value();
        }
        assertEquals(10_000, reads);
        assertTrue(counting.unwraps() <= TENANTS.size(), "root decrypts: " + counting.unwraps());
        assertEquals(TENANTS.size(), counting.unwraps(), "one root decrypt per tenant, on its first read");
    }

    @Test
    void concurrentFirstReadsOfOneTenantShareOneRootCall() {
        List<Sealed> sealed = sealedElsewhere();
        Sealed one = sealed.get(0);
        // Slow like a KMS round trip, so every thread misses while the first load is in flight.
        CountingRootKey counting = new CountingRootKey(root, Duration.ofMillis(200));
        TinkEnvelope reader = TinkEnvelope.builder().rootKey(counting).tenantKeyStore(tenantKeys).build();

        List<Concurrently.Outcome<String>> outcomes = Concurrently.run(8, thread -> {
            try (SecretValue opened = reader.open(one.sealed(), one.binding())) {
                return opened.asUtf8();
            }
        });

        for (Concurrently.Outcome<String> outcome : outcomes) {
            assertTrue(outcome.succeeded(), () -> "a read failed: " + outcome.failure());
            assertEquals(one.text(), outcome.value());
        }
        assertEquals(1, counting.unwraps(), "8 concurrent misses, one root call");
    }

    @Test
    void afterTheTtlTheNextReadUnwrapsAgainOnce() {
        List<Sealed> sealed = sealedElsewhere();
        CountingRootKey counting = new CountingRootKey(root);
        MutableClock clock = MutableClock.startingAt2030();
        TinkEnvelope reader = TinkEnvelope.builder().rootKey(counting).tenantKeyStore(tenantKeys)
                .cacheTtl(Duration.ofMinutes(5)).clock(clock).build();
        Sealed one = sealed.get(0);

        readAll(reader, one, 100);
        clock.advance(Duration.ofMinutes(4));
        readAll(reader, one, 100);
        assertEquals(1, counting.unwraps(), "within the TTL");

        clock.advance(Duration.ofMinutes(2));
        readAll(reader, one, 100);
        assertEquals(2, counting.unwraps(), "one more after the TTL");
    }

    @Test
    void theCacheIsBoundedInSizeAndStillServesEveryTenant() {
        List<Sealed> sealed = sealedElsewhere();
        CountingRootKey counting = new CountingRootKey(root);
        TinkEnvelope reader = TinkEnvelope.builder().rootKey(counting).tenantKeyStore(tenantKeys).cacheMaximumSize(1).build();

        for (int round = 0; round < 20; round++) {
            for (Sealed s : sealed) {
                readAll(reader, s, 1);
            }
        }

        assertTrue(counting.unwraps() > TENANTS.size(),
                "with room for one tenant, reading three in turn must unwrap again: " + counting.unwraps());
    }

    @Test
    void theFirstSealOfATenantWrapsItsNewKeyAndUnwrapsNothing() {
        CountingRootKey counting = new CountingRootKey(root);
        TinkEnvelope envelope = TinkEnvelope.builder().rootKey(counting).tenantKeyStore(tenantKeys).build();
        ValueBinding binding = new ValueBinding(SecretPath.of("acme", "prod", "db/password"), 1);

        for (int i = 0; i < 50; i++) {
            try (SecretValue opened = envelope.open(envelope.seal(TestValues.value(), binding), binding)) {
                assertTrue(opened.length() > 0);
            }
        }

        assertEquals(1, counting.wraps(), "one new tenant keyset wrapped");
        assertEquals(0, counting.unwraps(), "the creator keeps the keyset it made");
    }

    @Test
    void instancesRacingToCreateATenantKeyEndWithOneKey() {
        List<TinkEnvelope> instances = List.of(
                TinkEnvelope.builder().rootKey(root).tenantKeyStore(tenantKeys).build(),
                TinkEnvelope.builder().rootKey(root).tenantKeyStore(tenantKeys).build(),
                TinkEnvelope.builder().rootKey(root).tenantKeyStore(tenantKeys).build(),
                TinkEnvelope.builder().rootKey(root).tenantKeyStore(tenantKeys).build());
        ValueBinding binding = new ValueBinding(SecretPath.of("acme", "prod", "db/password"), 1);

        List<Concurrently.Outcome<Sealed>> outcomes = Concurrently.run(instances.size(), i -> {
            String text = TestValues.text();
            return new Sealed(binding, instances.get(i).seal(SecretValue.ofUtf8(text), binding), text);
        });

        for (Concurrently.Outcome<Sealed> outcome : outcomes) {
            assertTrue(outcome.succeeded(), () -> "a first seal failed: " + outcome.failure());
            for (TinkEnvelope reader : instances) {
                try (SecretValue opened = reader.open(outcome.value().sealed(), binding)) {
                    assertEquals(outcome.value().text(), opened.asUtf8(), "every instance opens every instance's seal");
                }
            }
        }
        assertEquals(1, tenantKeys.find("acme").orElseThrow().revision());
    }

    private static void readAll(TinkEnvelope reader, Sealed s, int times) {
        for (int i = 0; i < times; i++) {
            try (SecretValue opened = reader.open(s.sealed(), s.binding())) {
                assertEquals(s.text(), opened.asUtf8());
            }
        }
    }
}
