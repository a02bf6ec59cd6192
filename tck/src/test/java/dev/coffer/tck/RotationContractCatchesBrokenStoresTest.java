package dev.coffer.tck;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.memory.InMemoryRotationStore;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.rotation.RotationPolicy;
import dev.coffer.spi.rotation.RotationRun;
import dev.coffer.spi.store.AuditOutbox;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.RotationClaim;
import dev.coffer.spi.store.RotationStore;
import dev.coffer.spi.store.StoredRotationPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The TCK's check that {@link RotationStoreContract} catches the bugs it is about: each test
 * plants one bug in the in-memory rotation store, runs the contract test for that rule against it
 * and expects a failure stating the rule; the same test must pass against the plain store.
 */
class RotationContractCatchesBrokenStoresTest {

    @Test
    void claimDueThatIgnoresLiveClaimsIsCaught() {
        // Every call claims afresh whatever is due: two instances would rotate the same secret.
        Function<RotationStore, RotationStore> bug = store -> new Delegating(store) {
            @Override
            public List<RotationClaim> claimDue(Instant now, String owner, Duration lease, int limit) {
                List<RotationClaim> claims = super.claimDue(now, owner, lease, limit);
                claims.forEach(c -> super.releaseClaim(c, null));
                return claims;
            }
        };
        caught(bug, c -> c.new Claims().aLiveClaimIsNotHandedOutAgainAndAnExpiredOneIs(),
                "claimDue never hands out a policy under a live claim");
        caught(bug, c -> c.new Claims().concurrentClaimersNeverGetTheSameSecret(), "never hand one secret to two claimers");
    }

    @Test
    void releaseThatOverwritesANewerDueAtIsCaught() {
        Function<RotationStore, RotationStore> bug = store -> new Delegating(store) {
            @Override
            public boolean releaseClaim(RotationClaim claim, Instant dueAt) {
                StoredRotationPolicy now = super.findPolicy(claim.tenant(), claim.secretId()).orElseThrow();
                RotationClaim current = new RotationClaim(claim.tenant(), claim.secretId(), claim.owner(), claim.token(),
                        claim.expiresAt(), now.revision());
                return super.releaseClaim(current, dueAt);
            }
        };
        caught(bug, c -> c.new Claims().aRunCreatedAfterTheClaimWinsOverTheReleasesDueAt(),
                "releaseClaim does not overwrite the dueAt of a createRun made after the claim");
    }

    @Test
    void updateRunWithoutCompareAndSetIsCaught() {
        Function<RotationStore, RotationStore> bug = store -> new Delegating(store) {
            @Override
            public RotationRun updateRun(RotationRun run, Instant dueAt, BeforeCommit<RotationRun> hook) {
                RotationRun stored = super.findRun(run.tenant(), run.id()).orElse(null);
                RotationRun rebased = stored == null ? run
                        : new RotationRun(run.id(), run.tenant(), run.secretId(), run.state(), run.testOnly(),
                                run.cancelRequested(), run.rotator(), run.fromVersion(), run.pendingVersion(), run.attempt(),
                                run.startedBy(), run.startedAt(), run.updatedAt(), run.nextAttemptAt(), run.windowEndsAt(),
                                run.canaryUntil(), run.lastErrorCode(), run.finishedAt(), run.retireAt(), run.retiredAt(),
                                stored.revision() + 1);
                return super.updateRun(rebased, dueAt, hook);
            }
        };
        caught(bug, c -> {
            RotationStoreContract.Runs runs = c.new Runs();
            runs.policy();
            runs.updateRunIsACompareAndSetOnTheRevision();
        }, "updateRun with a stale revision");
    }

    private static void caught(Function<RotationStore, RotationStore> bug, Consumer<RotationStoreContract> test, String rule) {
        RotationStoreContract sound = contract(InMemoryRotationStore::new);
        sound.openStore();
        test.accept(sound);

        RotationStoreContract broken = contract(() -> bug.apply(new InMemoryRotationStore()));
        broken.openStore();
        AssertionError failure = assertThrows(AssertionError.class, () -> test.accept(broken),
                "the contract test should fail against the broken store");
        assertTrue(String.valueOf(failure.getMessage()).contains(rule),
                () -> "the failure should state the rule '" + rule + "', but said: " + failure.getMessage());
    }

    private static RotationStoreContract contract(Supplier<RotationStore> stores) {
        return new RotationStoreContract() {
            @Override
            protected RotationStore newRotationStore() {
                return stores.get();
            }
        };
    }

    /** Passes every call on; a test overrides the one it breaks. */
    private static class Delegating implements RotationStore {
        private final RotationStore inner;

        Delegating(RotationStore inner) {
            this.inner = inner;
        }

        @Override
        public AuditOutbox auditOutbox() {
            return inner.auditOutbox();
        }

        @Override
        public StoredRotationPolicy putPolicy(String tenant, String secretId, RotationPolicy policy, Instant dueAt, Instant now,
                BeforeCommit<StoredRotationPolicy> hook) {
            return inner.putPolicy(tenant, secretId, policy, dueAt, now, hook);
        }

        @Override
        public Optional<StoredRotationPolicy> findPolicy(String tenant, String secretId) {
            return inner.findPolicy(tenant, secretId);
        }

        @Override
        public void deletePolicy(String tenant, String secretId, BeforeCommit<StoredRotationPolicy> hook) {
            inner.deletePolicy(tenant, secretId, hook);
        }

        @Override
        public void forgetSecret(String tenant, String secretId) {
            inner.forgetSecret(tenant, secretId);
        }

        @Override
        public Page<StoredRotationPolicy> listPolicies(String tenant, PageRequest page) {
            return inner.listPolicies(tenant, page);
        }

        @Override
        public RotationRun createRun(RotationRun run, Instant dueAt, BeforeCommit<RotationRun> hook) {
            return inner.createRun(run, dueAt, hook);
        }

        @Override
        public RotationRun updateRun(RotationRun run, Instant dueAt, BeforeCommit<RotationRun> hook) {
            return inner.updateRun(run, dueAt, hook);
        }

        @Override
        public Optional<RotationRun> findRun(String tenant, String runId) {
            return inner.findRun(tenant, runId);
        }

        @Override
        public Optional<RotationRun> openRun(String tenant, String secretId) {
            return inner.openRun(tenant, secretId);
        }

        @Override
        public List<RotationRun> recentRuns(String tenant, String secretId, int limit) {
            return inner.recentRuns(tenant, secretId, limit);
        }

        @Override
        public List<RotationClaim> claimDue(Instant now, String owner, Duration lease, int limit) {
            return inner.claimDue(now, owner, lease, limit);
        }

        @Override
        public Optional<RotationClaim> renewClaim(RotationClaim claim, Instant now, Duration lease) {
            return inner.renewClaim(claim, now, lease);
        }

        @Override
        public boolean releaseClaim(RotationClaim claim, Instant dueAt) {
            return inner.releaseClaim(claim, dueAt);
        }
    }
}
