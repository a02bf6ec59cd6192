package dev.coffer.jdbi.downstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.jdbi.testing.ScramPostgres;
import dev.coffer.jdbi.testing.UseScramPostgres;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.memory.InMemoryAuditLog;
import dev.coffer.spi.memory.InMemoryAuditOutbox;
import dev.coffer.spi.memory.InMemoryPolicyStore;
import dev.coffer.spi.memory.InMemoryRotationStore;
import dev.coffer.spi.memory.InMemorySecretStore;
import dev.coffer.spi.memory.InMemoryTenantKeyStore;
import dev.coffer.spi.memory.JdkEnvelope;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretContent;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretRef;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.rotation.RotationEngine;
import dev.coffer.spi.rotation.RotationManager;
import dev.coffer.spi.rotation.RotationPolicy;
import dev.coffer.spi.rotation.RotationRun;
import dev.coffer.spi.rotation.RotationSchedule;
import dev.coffer.spi.rotation.RunState;
import dev.coffer.tck.KernelFixture;
import dev.coffer.tck.ManagerFixture;
import dev.coffer.tck.support.Await;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The zero-downtime proof again, with the rotations driven by the kernel's real rotation engine
 * (in-memory stores): the policy names {@code postgresql} and the admin credential by path, the
 * engine reads it through the kernel, and the application takes its credential from
 * {@code SecretManager.read(current)}, polling, as an application on the ConfigSource would.
 */
@ExtendWith({UseScramPostgres.class, NoValueLeaks.class})
class EngineDrivenRotationTest {
    private static final int ROTATIONS = 3;
    private static final int SUCCESSES_AFTER_PROMOTION = 20;

    private ScramPostgres.Sandbox sandbox;
    private KernelFixture kernel;
    private SecretManager manager;
    private AccessContext admin;
    private String app;
    private String appPassword;
    private Secret credential;

    @BeforeEach
    void setUp() {
        sandbox = ScramPostgres.sandbox();
        appPassword = TestValues.text();
        app = sandbox.createRole("app", "LOGIN", appPassword);
        String adminPassword = TestValues.text();
        String dbAdmin = sandbox.createRole("admin", "LOGIN CREATEROLE", adminPassword);
        sandbox.sql("CREATE TABLE orders (id int PRIMARY KEY)", "INSERT INTO orders SELECT generate_series(1, 100)",
                "ALTER TABLE orders OWNER TO " + app);

        InMemoryAuditOutbox outbox = new InMemoryAuditOutbox();
        kernel = KernelFixture.over(new InMemorySecretStore(outbox), new JdkEnvelope(new InMemoryTenantKeyStore()),
                new InMemoryAuditLog(), new InMemoryPolicyStore(outbox), new InMemoryRotationStore(outbox), () -> { });
        manager = kernel.manager();
        admin = kernel.admin();
        credential = secretWith("prod/db/app", json(app, appPassword));
        secretWith("prod/db/admin", json(dbAdmin, adminPassword));
    }

    @AfterEach
    void tearDown() throws Exception {
        kernel.close();
        sandbox.close();
    }

    @Test
    void alternatingUsersThroughTheEngineWithoutASingleFailedQuery() throws SQLException {
        try (ProbeApp probe = new ProbeApp(jdbcUrl(), this::current, "orders")) {
            rotateThroughTheEngine("alternating-users", probe);
            System.out.println("[zero-downtime, engine] alternating-users: " + ROTATIONS + " rotations, " + probe.succeeded()
                    + " queries succeeded, " + probe.failed() + " failed " + probe.failuresByState());
            assertEquals(0, probe.failed(), () -> "failed queries by SQLState: " + probe.failuresByState());
        }
        String now = StepContext.parse(current()).getString("username");
        assertEquals(app + "_clone", now, "after an odd number of rotations the clone is current");
        assertTrue(sandbox.storedPassword(now).startsWith("SCRAM-SHA-256$"));
    }

    @Test
    void singleUserThroughTheEngineFailsOnlyLoginsWithTheReplacedPassword() {
        try (ProbeApp probe = new ProbeApp(jdbcUrl(), this::current, "orders")) {
            probe.phase("engine-rotations");
            rotateThroughTheEngine("single-user", probe);
            System.out.println("[zero-downtime, engine] single-user: " + ROTATIONS + " rotations, " + probe.succeeded()
                    + " queries succeeded, " + probe.failed() + " failed " + probe.failuresByState()
                    + " (new logins between apply and the application's next poll of current)");
            assertTrue(Set.of("engine-rotations:28P01").containsAll(probe.failuresByState().keySet()), () -> "failures: " + probe.failuresByState());
        }
        assertTrue(sandbox.storedPassword(app).startsWith("SCRAM-SHA-256$"));
    }

    private void rotateThroughTheEngine(String strategy, ProbeApp probe) {
        ManagerFixture.Rotation rotation = kernel.rotation().orElseThrow();
        RotationManager rotations = rotation.rotations();
        RotationEngine engine = rotation.engine();
        SecretRef ref = SecretRef.id(credential.id());
        rotations.setPolicy(admin, ref, RotationPolicy.builder(PostgresRotator.NAME, RotationSchedule.parse("30d"))
                .param("strategy", strategy).param("adminSecret", "prod/db/admin").param("role", app).build());
        awaitSuccesses(probe);
        for (int n = 0; n < ROTATIONS; n++) {
            int i = n;
            // The kernel's clock is the TCK's movable one; a rotation a minute keeps the runs in order.
            kernel.clock().orElseThrow().advance(Duration.ofMinutes(1));
            RotationRun run = rotations.rotateNow(admin, ref, false);
            java.util.concurrent.atomic.AtomicReference<RotationRun> seen = new java.util.concurrent.atomic.AtomicReference<>();
            awaitOrSay(() -> "rotation " + (i + 1) + ": " + seen.get(), () -> {
                engine.runDue(10);
                RotationRun last = rotations.status(admin, ref).lastRun();
                seen.set(last);
                if (last.state() == RunState.FAILED || last.lastErrorCode() != null) {
                    throw new AssertionError("run " + last.id() + " is " + last.state() + " after attempt " + last.attempt()
                            + " with " + last.lastErrorCode());
                }
                return last.id().equals(run.id()) && last.state() == RunState.FINISHED;
            });
            int swapped = i + 1;
            Await.until("the application takes the promoted value", () -> probe.swaps() >= swapped);
            awaitSuccesses(probe);
        }
    }

    private String current() {
        try (SecretContent c = manager.read(admin, credential.path(), VersionSelector.current())) {
            return c.value().asUtf8();
        }
    }

    private Secret secretWith(String path, String json) {
        Secret s = manager.create(admin, NewSecret.builder(SecretPath.parse(KernelFixture.TENANT, path), "team-db").build());
        try (SecretValue v = SecretValue.ofUtf8(json)) {
            manager.addVersion(admin, s.id(), NewVersion.current(v));
        }
        return s;
    }

    private String json(String user, String password) {
        return StepContext.json(user, password, ScramPostgres.host(), ScramPostgres.port(), sandbox.database());
    }

    private String jdbcUrl() {
        return "jdbc:postgresql://" + ScramPostgres.ADDRESS + "/" + sandbox.database();
    }

    private static void awaitOrSay(java.util.function.Supplier<String> state, java.util.function.BooleanSupplier condition) {
        try {
            Await.until("the engine finishes the run", condition);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; " + state.get());
        }
    }

    private static void awaitSuccesses(ProbeApp probe) {
        long target = probe.succeeded() + SUCCESSES_AFTER_PROMOTION;
        Await.until(SUCCESSES_AFTER_PROMOTION + " more successful queries", () -> probe.succeeded() >= target);
    }

}
