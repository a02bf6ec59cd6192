package dev.coffer.jdbi.downstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.jdbi.testing.ScramPostgres;
import dev.coffer.jdbi.testing.UseScramPostgres;
import dev.coffer.spi.rotation.Rotator;
import dev.coffer.tck.support.Await;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The proof of zero downtime: an application with a HikariCP pool on the rotated
 * credential queries a granted table continuously, making new connections all the time, through
 * several rotations of each strategy against the password-checking cluster. The application polls
 * its credential and swaps its pool's credentials when it changed.
 */
@ExtendWith({UseScramPostgres.class, NoValueLeaks.class})
class ZeroDowntimeRotationTest {
    private static final int ROTATIONS = 4;
    private static final int ATTEMPTS_BETWEEN_STEPS = 5;
    private static final int SUCCESSES_AFTER_PROMOTION = 20;

    private ScramPostgres.Sandbox sandbox;
    private String app;
    private String appPassword;
    private String adminJson;

    @BeforeEach
    void roles() {
        sandbox = ScramPostgres.sandbox();
        appPassword = TestValues.text();
        app = sandbox.createRole("app", "LOGIN", appPassword);
        String adminPassword = TestValues.text();
        String admin = sandbox.createRole("admin", "LOGIN CREATEROLE", adminPassword);
        adminJson = json(admin, adminPassword);
        sandbox.sql("CREATE TABLE orders (id int PRIMARY KEY)", "INSERT INTO orders SELECT generate_series(1, 100)",
                "ALTER TABLE orders OWNER TO " + app);
    }

    @AfterEach
    void drop() {
        sandbox.close();
    }

    private String json(String user, String password) {
        return StepContext.json(user, password, ScramPostgres.host(), ScramPostgres.port(), sandbox.database());
    }

    private String jdbcUrl() {
        return "jdbc:postgresql://" + ScramPostgres.ADDRESS + "/" + sandbox.database();
    }

    @Test
    void alternatingUsersRotatesUnderLoadWithoutASingleFailedQuery() {
        StepContext ctx = new StepContext(Map.of("strategy", "alternating-users", "adminSecret", "prod/db-admin", "role", app), json(app, appPassword))
                .referencing("adminSecret", adminJson);
        try (ProbeApp probe = new ProbeApp(jdbcUrl(), ctx::current, "orders")) {
            rotateUnderLoad(ctx, probe);
            System.out.println("[zero-downtime] alternating-users: " + ROTATIONS + " rotations, " + probe.succeeded()
                    + " queries succeeded, " + probe.failed() + " failed " + probe.failuresByState());
            assertEquals(0, probe.failed(), () -> "failed queries by SQLState: " + probe.failuresByState());
        }
    }

    @Test
    void singleUserRotatesUnderLoadAndOnlyLoginsWithTheReplacedPasswordFail() {
        StepContext ctx = new StepContext(Map.of("strategy", "single-user"), json(app, appPassword));
        try (ProbeApp probe = new ProbeApp(jdbcUrl(), ctx::current, "orders")) {
            rotateUnderLoad(ctx, probe);
            System.out.println("[zero-downtime] single-user: " + ROTATIONS + " rotations, " + probe.succeeded()
                    + " queries succeeded, " + probe.failed() + " failed " + probe.failuresByState()
                    + " (logins with the replaced password, between apply and the application's swap)");
            // Whatever failed, failed because the password had been replaced under the pool: a login
            // after apply and before the application swapped its credentials, or a query that waited
            // on a login Hikari's adder thread began with the old credentials before the swap and
            // retries for up to its connection timeout (seen after the swap, even in the next
            // rotation's first phase). No failure is seen before the first apply, and none for
            // another reason than a refused password.
            assertTrue(Set.of("apply-to-swap:28P01", "swap-to-recovery:28P01", "before-apply:28P01")
                    .containsAll(probe.failuresByState().keySet()), () -> "failures: " + probe.failuresByState());
        }
    }

    // Each rotation as the engine runs it: create, apply, test, promote; the application polls
    // current, learns of the promotion and swaps its credentials. Between steps the application keeps querying (a few
    // attempts; with single-user the ones after apply may fail), and after each promotion it must
    // succeed again.
    private static void rotateUnderLoad(StepContext ctx, ProbeApp probe) {
        awaitSuccesses(probe);
        for (int i = 0; i < ROTATIONS; i++) {
            // The first phase has nothing to blame a failure on; later ones may see logins in flight from the last swap.
            probe.phase(i == 0 ? "before-any-apply" : "before-apply");
            ctx.create(rotator());
            awaitAttempts(probe);
            probe.phase("apply-to-swap");
            rotator().apply(ctx);
            awaitAttempts(probe);
            rotator().test(ctx);
            awaitAttempts(probe);
            ctx.promote();
            int swapped = i + 1;
            Await.until("the application takes the promoted value", () -> probe.swaps() >= swapped);
            probe.phase("swap-to-recovery");
            rotator().finish(ctx);
            awaitSuccesses(probe);
        }
    }

    private static Rotator rotator() {
        return new PostgresRotator();
    }

    // Waits for more queries, not for time: the application keeps running between steps.
    private static void awaitAttempts(ProbeApp probe) {
        long target = probe.succeeded() + probe.failed() + ATTEMPTS_BETWEEN_STEPS;
        Await.until(ATTEMPTS_BETWEEN_STEPS + " more queries", () -> probe.succeeded() + probe.failed() >= target);
    }

    private static void awaitSuccesses(ProbeApp probe) {
        long target = probe.succeeded() + SUCCESSES_AFTER_PROMOTION;
        Await.until(SUCCESSES_AFTER_PROMOTION + " more successful queries", () -> probe.succeeded() >= target);
    }
}
