package dev.coffer.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.jdbi.testing.UsePostgres;
import dev.coffer.spi.rotation.RotationPolicy;
import dev.coffer.spi.rotation.RotationSchedule;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.RotationClaim;
import dev.coffer.spi.store.RotationStore;
import dev.coffer.tck.support.Concurrently;
import dev.coffer.tck.support.NoValueLeaks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rotation claims as production runs them: two server instances (two {@link CofferDatabase}s,
 * two pools) claiming due rotations from one PostgreSQL database at the same time.
 */
@ExtendWith({UsePostgres.class, NoValueLeaks.class})
class PostgresRotationClusterTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final int POLICIES = 500;
    private static final int THREADS_PER_INSTANCE = 4;

    private CofferDatabase first;
    private CofferDatabase second;

    @BeforeEach
    void twoInstances() {
        first = UsePostgres.database().reset();
        second = CofferDatabase.open(UsePostgres.database().config().toBuilder().migrateOnStart(false).build(),
                UsePostgres.database().protection());
    }

    @AfterEach
    void closeSecond() {
        second.close();
    }

    @Test
    void twoInstancesClaimingAtOnceClaimEveryDueSecretExactlyOnce() {
        RotationPolicy policy = RotationPolicy.builder("generated", RotationSchedule.parse("30d")).build();
        for (int i = 0; i < POLICIES; i++) {
            // Tenants and due moments mixed, so that the claimers' ORDER BY due_at interleaves them.
            first.rotationStore().putPolicy(i % 2 == 0 ? "acme" : "globex", String.format("sec_%04d", i), policy,
                    NOW.minusSeconds(POLICIES - i), NOW.minusSeconds(3600), BeforeCommit.none());
        }
        List<RotationStore> instances = List.of(first.rotationStore(), second.rotationStore());

        List<Concurrently.Outcome<List<RotationClaim>>> outcomes = Concurrently.run(2 * THREADS_PER_INSTANCE, i -> {
            RotationStore store = instances.get(i % 2);
            String owner = "instance-" + (i % 2) + "-worker-" + (i / 2);
            List<RotationClaim> mine = new ArrayList<>();
            for (List<RotationClaim> batch = store.claimDue(NOW, owner, LEASE, 25); !batch.isEmpty();
                    batch = store.claimDue(NOW, owner, LEASE, 25)) {
                mine.addAll(batch);
            }
            return mine;
        });

        Map<String, Integer> claimsPerSecret = new HashMap<>();
        int[] perInstance = new int[2];
        for (int i = 0; i < outcomes.size(); i++) {
            Concurrently.Outcome<List<RotationClaim>> outcome = outcomes.get(i);
            assertTrue(outcome.succeeded(), "claimDue failed under concurrency: " + outcome.failure());
            perInstance[i % 2] += outcome.value().size();
            outcome.value().forEach(c -> claimsPerSecret.merge(c.tenant() + "/" + c.secretId(), 1, Integer::sum));
        }
        List<String> twice = claimsPerSecret.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        assertTrue(twice.isEmpty(), "two instances claiming at once never claim one secret twice; claimed more than once: " + twice);
        assertEquals(POLICIES, claimsPerSecret.size(), "two instances claiming at once claim every due secret ("
                + POLICIES + "); instance 0 claimed " + perInstance[0] + ", instance 1 " + perInstance[1]);
        assertTrue(first.rotationStore().claimDue(NOW, "late", LEASE, RotationStore.MAX_CLAIMS).isEmpty(),
                "after the race every due secret holds a live claim; nothing is left to claim");
    }
}
