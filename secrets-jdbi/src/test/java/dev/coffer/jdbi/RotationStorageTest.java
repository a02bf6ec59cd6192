package dev.coffer.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.jdbi.testing.TestDatabase;
import dev.coffer.jdbi.testing.UseH2;
import dev.coffer.jdbi.testing.UsePostgres;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.rotation.RotationPolicy;
import dev.coffer.spi.rotation.RotationRun;
import dev.coffer.spi.rotation.RotationSchedule;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.RotationClaim;
import dev.coffer.spi.store.RotationStore;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.NoValueLeaks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

/** What the JDBI rotation store adds to the contract: its bounds, and failures of the database. */
@ExtendWith(NoValueLeaks.class)
class RotationStorageTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final RotationPolicy POLICY = RotationPolicy.builder("generated", RotationSchedule.parse("30d")).build();

    @Nested
    @ExtendWith(UseH2.class)
    class OnH2 {
        @Test
        void claimDueRefusesAnOwnerOrLeaseOutOfBounds() {
            RotationStore store = UseH2.database().reset().rotationStore();

            for (Executable bad : List.<Executable>of(
                    () -> store.claimDue(T0, "", LEASE, 10),
                    () -> store.claimDue(T0, "x".repeat(JdbiRotationStore.MAX_OWNER_LENGTH + 1), LEASE, 10),
                    () -> store.claimDue(T0, "instance", Duration.ZERO, 10),
                    () -> store.claimDue(T0, "instance", Duration.ofSeconds(-1), 10),
                    () -> store.claimDue(T0, "instance", JdbiRotationStore.MAX_LEASE.plusSeconds(1), 10))) {
                Expect.thrown(IllegalArgumentException.class, bad);
            }
        }

        @Test
        void everyCallOnAClosedDatabaseFailsWithStoreUnavailable() throws Exception {
            Path dir = Files.createTempDirectory("coffer-h2-rotation-closed");
            try {
                CofferDatabase db = CofferDatabase.open(DatabaseConfig.h2File(dir), UseH2.database().protection());
                RotationStore store = db.rotationStore();
                store.putPolicy("acme", "sec_db", POLICY, T0, T0, BeforeCommit.none());
                RotationRun run = RotationRun.started("rot_closed", "acme", "sec_db", "generated", "service:coffer:rotation", T0)
                        .build();
                RotationClaim claim = new RotationClaim("acme", "sec_db", "instance", "token", T0.plus(LEASE), 1);
                db.close();

                for (Executable call : List.<Executable>of(
                        () -> store.putPolicy("acme", "sec_db", POLICY, T0, T0, BeforeCommit.none()),
                        () -> store.findPolicy("acme", "sec_db"),
                        () -> store.deletePolicy("acme", "sec_db", BeforeCommit.none()),
                        () -> store.forgetSecret("acme", "sec_db"),
                        () -> store.listPolicies("acme", PageRequest.first()),
                        () -> store.createRun(run, null, BeforeCommit.none()),
                        () -> store.updateRun(run.toBuilder().next(T0), null, BeforeCommit.none()),
                        () -> store.findRun("acme", run.id()),
                        () -> store.openRun("acme", "sec_db"),
                        () -> store.recentRuns("acme", "sec_db", 10),
                        () -> store.claimDue(T0, "instance", LEASE, 10),
                        () -> store.renewClaim(claim, T0, LEASE),
                        () -> store.releaseClaim(claim, T0))) {
                    Expect.thrown(UnavailableException.class, ErrorCode.STORE_UNAVAILABLE, call);
                }
            } finally {
                TestDatabase.deleteTree(dir);
            }
        }
    }

    @Nested
    @ExtendWith(UsePostgres.class)
    class OnPostgres {
        @Test
        void aClaimDueThatFailsHalfWayClaimsNothing() {
            RotationStore store = UsePostgres.database().reset().rotationStore();
            for (String id : List.of("sec_a", "sec_b", "sec_c")) {
                store.putPolicy("acme", id, POLICY, T0.minusSeconds(10), T0.minusSeconds(60), BeforeCommit.none());
            }
            // The claim of the second row fails after the first was written in the same transaction.
            UsePostgres.database().sql().useHandle(h -> h.execute("CREATE FUNCTION refuse_claim() RETURNS trigger LANGUAGE plpgsql"
                    + " AS $$ BEGIN RAISE EXCEPTION 'claim refused by the test'; END $$;"
                    + " CREATE TRIGGER refuse_claim BEFORE UPDATE ON rotation_policies FOR EACH ROW"
                    + " WHEN (NEW.secret_id = 'sec_b' AND NEW.claim_token IS NOT NULL) EXECUTE FUNCTION refuse_claim()"));
            try {
                Expect.thrown(UnavailableException.class, ErrorCode.STORE_UNAVAILABLE, () -> store.claimDue(T0, "instance-a", LEASE, 10));
            } finally {
                UsePostgres.database().sql().useHandle(h -> h.execute("DROP TRIGGER refuse_claim ON rotation_policies;"
                        + " DROP FUNCTION refuse_claim()"));
            }

            List<RotationClaim> claims = store.claimDue(T0, "instance-b", LEASE, 10);
            assertEquals(List.of("sec_a", "sec_b", "sec_c"), claims.stream().map(RotationClaim::secretId).sorted().toList(),
                    "the failed claimDue left no claim behind; every policy is still claimable");
        }
    }
}
