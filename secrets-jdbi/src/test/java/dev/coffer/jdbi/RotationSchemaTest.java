package dev.coffer.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.jdbi.internal.Sql;
import dev.coffer.jdbi.testing.TestDatabase;
import dev.coffer.jdbi.testing.UseH2;
import dev.coffer.jdbi.testing.UsePostgres;
import dev.coffer.spi.rotation.RotationPolicy;
import dev.coffer.spi.rotation.RotationSchedule;
import dev.coffer.spi.store.BeforeCommit;
import java.time.Instant;
import org.jdbi.v3.core.JdbiException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rotation schema keeps "at most one open run per secret" by itself: rows written behind the
 * store's back (another tool, a bug) cannot open a second run, on either database.
 */
class RotationSchemaTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    abstract static class Rules {
        abstract TestDatabase database();

        @Test
        void theDatabaseRefusesASecondOpenRunOfASecret() {
            CofferDatabase db = database().reset();
            db.rotationStore().putPolicy("acme", "sec_db", RotationPolicy.builder("generated", RotationSchedule.parse("30d")).build(),
                    T0, T0, BeforeCommit.none());
            insertRun("rot_first", "STARTED", "sec_db");

            JdbiException refused = assertThrows(JdbiException.class, () -> insertRun("rot_second", "APPLIED", "sec_db"),
                    "a second open run of sec_db written in plain SQL is refused by the database");
            assertTrue(Sql.isUniqueViolation(refused), "the refusal is a unique violation (SQLState 23505): " + refused);

            insertRun("rot_ended", "FINISHED", null);
            int rows = database().sql().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM rotation_runs")
                    .mapTo(Integer.class).one());
            assertEquals(2, rows, "ended runs of the secret sit beside its open one");
        }

        @Test
        void theDatabaseRefusesAnOpenMarkerThatDisagreesWithTheState() {
            database().reset();

            assertThrows(JdbiException.class, () -> insertRun("rot_unmarked", "STARTED", null),
                    "an open run without open_secret_id is refused (it would escape the one-open-run index)");
            assertThrows(JdbiException.class, () -> insertRun("rot_marked", "FAILED", "sec_db"),
                    "an ended run with open_secret_id is refused (it would block the next run)");
        }

        private void insertRun(String id, String state, String openSecretId) {
            database().sql().useHandle(h -> h.createUpdate("INSERT INTO rotation_runs (tenant, id, secret_id, state, open_secret_id,"
                            + " test_only, cancel_requested, rotator, attempt, started_by, started_at, updated_at, revision)"
                            + " VALUES ('acme', :id, 'sec_db', :state, :open, FALSE, FALSE, 'generated', 0, 'tool', :at, :at, 1)")
                    .bind("id", id).bind("state", state).bind("open", openSecretId).bind("at", Sql.instant(T0)).execute());
        }
    }

    @Nested
    @ExtendWith(UseH2.class)
    class OnH2 extends Rules {
        @Override
        TestDatabase database() {
            return UseH2.database();
        }
    }

    @Nested
    @ExtendWith(UsePostgres.class)
    class OnPostgres extends Rules {
        @Override
        TestDatabase database() {
            return UsePostgres.database();
        }
    }
}
