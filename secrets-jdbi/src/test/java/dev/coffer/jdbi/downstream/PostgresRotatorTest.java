package dev.coffer.jdbi.downstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.jdbi.testing.ScramPostgres;
import dev.coffer.jdbi.testing.UseScramPostgres;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.rotation.RotationException;
import dev.coffer.spi.rotation.Rotator;
import dev.coffer.spi.rotation.Rotators;
import dev.coffer.tck.support.Await;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

/**
 * The {@code postgresql} rotator against the password-checking cluster ({@link ScramPostgres}):
 * every step of both strategies, twice, each time with a new rotator instance (as after a crash);
 * recovery, discard, and errors that name no value.
 */
@ExtendWith({UseScramPostgres.class, NoValueLeaks.class})
class PostgresRotatorTest {
    private ScramPostgres.Sandbox sandbox;
    private String app;
    private String appPassword;
    private String admin;
    private String adminJson;

    @BeforeEach
    void roles() {
        sandbox = ScramPostgres.sandbox();
        appPassword = TestValues.text();
        app = sandbox.createRole("app", "LOGIN", appPassword);
        String adminPassword = TestValues.text();
        admin = sandbox.createRole("admin", "LOGIN CREATEROLE", adminPassword);
        adminJson = StepContext.parse(json(admin, adminPassword)).toString();
        sandbox.sql("CREATE TABLE app_data (id int PRIMARY KEY, note text)", "INSERT INTO app_data VALUES (1, 'one')",
                "ALTER TABLE app_data OWNER TO " + app);
    }

    @AfterEach
    void drop() {
        sandbox.close();
    }

    private String json(String user, String password) {
        return StepContext.json(user, password, ScramPostgres.host(), ScramPostgres.port(), sandbox.database());
    }

    private StepContext singleUser() {
        return new StepContext(Map.of("strategy", "single-user"), json(app, appPassword));
    }

    private StepContext alternating() {
        return new StepContext(Map.of("strategy", "alternating-users", "adminSecret", "prod/db-admin", "role", app), json(app, appPassword))
                .referencing("adminSecret", adminJson);
    }

    private static Rotator fresh() {
        return new PostgresRotator(); // a new instance per step: nothing may carry over but the stored values
    }

    // ---- single-user

    @Test
    void singleUserRotationStoresAScramVerifierAndTheOldPasswordIsRefused() throws SQLException {
        StepContext ctx = singleUser();
        String before = sandbox.storedPassword(app);
        String pending = ctx.create(fresh());
        assertEquals(app, StepContext.parse(pending).getString("username"), "single-user keeps the role");
        assertEquals(sandbox.database(), StepContext.parse(pending).getString("database"), "create keeps the database");
        fresh().apply(ctx);
        fresh().test(ctx);

        String after = sandbox.storedPassword(app);
        assertTrue(after.startsWith("SCRAM-SHA-256$"), "pg_authid holds a SCRAM verifier");
        assertNotEquals(before, after, "the verifier changed");
        assertLogsIn(app, password(pending));
        assertEquals("28P01", refusal(app, appPassword), "the old password is refused");
    }

    @Test
    void singleUserStepsAreIdempotentAndResumeWithANewRotatorAfterEachStep() throws SQLException {
        StepContext ctx = singleUser();
        String pending = ctx.create(fresh());
        fresh().apply(ctx);
        // After a crash here the engine calls apply again: the pending password already logs in.
        fresh().apply(ctx);
        fresh().test(ctx);
        fresh().test(ctx);
        ctx.promote();
        fresh().finish(ctx);
        fresh().finish(ctx);
        assertLogsIn(app, password(pending));
        assertEquals("28P01", refusal(app, appPassword));

        // and the next rotation starts from the promoted value
        String second = ctx.create(fresh());
        fresh().apply(ctx);
        fresh().test(ctx);
        assertLogsIn(app, password(second));
        assertEquals("28P01", refusal(app, password(pending)));
    }

    @Test
    void singleUserApplyRecoversAHalfAppliedEarlierAttemptThroughThePreviousPassword() throws SQLException {
        // An earlier rotation was rolled back in Coffer but its password stayed set downstream:
        // current names a password the server no longer knows, previous the one it has.
        StepContext ctx = singleUser();
        String lost = json(app, TestValues.text());
        ctx.setPrevious(ctx.current());
        ctx.setCurrent(lost);
        String pending = ctx.create(fresh());
        fresh().apply(ctx);
        fresh().test(ctx);
        assertLogsIn(app, password(pending));
    }

    @Test
    void singleUserApplyFallsBackToTheAdminWhenNoOwnPasswordLogsIn() throws SQLException {
        StepContext ctx = new StepContext(Map.of("strategy", "single-user", "adminSecret", "prod/db-admin", "role", app),
                json(app, TestValues.text())).referencing("adminSecret", adminJson);
        String pending = ctx.create(fresh());
        fresh().apply(ctx);
        assertLogsIn(app, password(pending));
    }

    @Test
    void singleUserApplyWithNoWorkingLoginFailsWithLoginRefusedAndChangesNothing() {
        StepContext ctx = new StepContext(Map.of("strategy", "single-user"), json(app, TestValues.text()));
        ctx.create(fresh());
        String before = sandbox.storedPassword(app);
        RotationException e = expectRotation(() -> fresh().apply(ctx));
        assertEquals("LOGIN_REFUSED", e.reason());
        assertFalse(e.valueRejected());
        assertEquals(before, sandbox.storedPassword(app), "nothing changed");
    }

    @Test
    void singleUserDiscardPutsTheCurrentPasswordBack() throws SQLException {
        StepContext ctx = singleUser();
        String pending = ctx.create(fresh());
        fresh().apply(ctx);
        fresh().test(ctx);
        fresh().discard(ctx);
        fresh().discard(ctx);
        assertLogsIn(app, appPassword);
        assertEquals("28P01", refusal(app, password(pending)), "the discarded password is refused");
        assertTrue(sandbox.storedPassword(app).startsWith("SCRAM-SHA-256$"));
    }

    @Test
    void singleUserTestOfAPendingValueNeverAppliedFailsWithLoginRefused() {
        StepContext ctx = singleUser();
        ctx.create(fresh());
        assertEquals("LOGIN_REFUSED", expectRotation(() -> fresh().test(ctx)).reason());
    }

    // ---- alternating-users

    @Test
    void alternatingUsersCreatesTheCloneOnTheFirstRotationWithTheOriginalsPrivileges() throws SQLException {
        StepContext ctx = alternating();
        String clone = app + "_clone";
        assertFalse(sandbox.roleExists(clone));
        String pending = ctx.create(fresh());
        assertEquals(clone, StepContext.parse(pending).getString("username"), "the pending value names the clone");
        fresh().apply(ctx);
        fresh().test(ctx);

        assertTrue(sandbox.storedPassword(clone).startsWith("SCRAM-SHA-256$"), "the clone has a SCRAM verifier");
        assertLogsIn(app, appPassword); // the current login was never touched
        try (Connection c = ScramPostgres.login(sandbox.database(), clone, password(pending)); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT note FROM app_data WHERE id = 1")) {
            assertTrue(rs.next());
            assertEquals("one", rs.getString(1), "the clone reads the original's table");
        }
    }

    @Test
    void alternatingUsersSwapsRolesEachRotationAndNeverTouchesTheOneInUse() throws SQLException {
        StepContext ctx = alternating();
        String clone = app + "_clone";
        String expectedRole = clone;
        String inUsePassword = appPassword;
        String inUseRole = app;
        for (int i = 0; i < 4; i++) {
            String pending = ctx.create(fresh());
            assertEquals(expectedRole, StepContext.parse(pending).getString("username"));
            fresh().apply(ctx);
            fresh().apply(ctx);
            fresh().test(ctx);
            fresh().test(ctx);
            assertLogsIn(inUseRole, inUsePassword); // zero downtime: the login in use still works
            ctx.promote();
            fresh().finish(ctx);
            inUseRole = expectedRole;
            inUsePassword = password(pending);
            expectedRole = inUseRole.equals(app) ? clone : app;
        }
        // after four rotations each role had its password changed twice: the first ones are refused
        assertLogsIn(inUseRole, inUsePassword);
        assertEquals(app, inUseRole);
        assertEquals("28P01", refusal(app, appPassword), "the original password of the base role no longer logs in");
    }

    @Test
    void alternatingUsersApplyAfterACrashBetweenCreatingTheCloneAndSettingItsPasswordCompletes() throws SQLException {
        StepContext ctx = alternating();
        String clone = app + "_clone";
        sandbox.sql("CREATE ROLE " + clone + " NOLOGIN"); // as if an earlier attempt died half-way (no grant yet)
        String pending = ctx.create(fresh());
        fresh().apply(ctx);
        fresh().test(ctx);
        assertLogsIn(clone, password(pending));
    }

    @Test
    void alternatingUsersTestFailsWhenTheCloneLostTheOriginalsPrivileges() {
        StepContext ctx = alternating();
        ctx.create(fresh());
        fresh().apply(ctx);
        sandbox.sql("REVOKE " + app + " FROM " + app + "_clone");
        assertEquals("PRIVILEGES_MISSING", expectRotation(() -> fresh().test(ctx)).reason());
    }

    @Test
    void alternatingUsersWithARefusedAdminFailsWithAdminLoginRefused() {
        StepContext ctx = new StepContext(Map.of("strategy", "alternating-users", "adminSecret", "prod/db-admin", "role", app), json(app, appPassword))
                .referencing("adminSecret", json(admin, TestValues.text()));
        ctx.create(fresh());
        assertEquals("ADMIN_LOGIN_REFUSED", expectRotation(() -> fresh().apply(ctx)).reason());
        assertFalse(sandbox.roleExists(app + "_clone"), "nothing changed");
    }

    @Test
    void alternatingUsersRetireLocksTheOldRoleOutAndLeavesTheNewOneWorking() throws SQLException {
        StepContext ctx = alternating();
        String pending = ctx.create(fresh());
        fresh().apply(ctx);
        fresh().test(ctx);
        ctx.promote();
        String verifierBefore = sandbox.storedPassword(app);
        try (var old = dev.coffer.spi.model.SecretValue.ofUtf8(json(app, appPassword))) {
            fresh().retire(ctx, 1, old);
            fresh().retire(ctx, 1, old);
        }
        assertEquals("28P01", refusal(app, appPassword), "the retired credential is refused");
        assertNotEquals(verifierBefore, sandbox.storedPassword(app));
        assertTrue(sandbox.storedPassword(app).startsWith("SCRAM-SHA-256$"));
        assertLogsIn(app + "_clone", password(pending));

        // the next rotation gives the base role a password again
        String next = ctx.create(fresh());
        fresh().apply(ctx);
        fresh().test(ctx);
        assertLogsIn(app, password(next));
    }

    @Test
    void singleUserRetireChangesNothing() throws SQLException {
        StepContext ctx = singleUser();
        String pending = ctx.create(fresh());
        fresh().apply(ctx);
        ctx.promote();
        String verifier = sandbox.storedPassword(app);
        try (var old = dev.coffer.spi.model.SecretValue.ofUtf8(json(app, appPassword))) {
            fresh().retire(ctx, 1, old);
        }
        assertEquals(verifier, sandbox.storedPassword(app));
        assertLogsIn(app, password(pending));
    }

    @Test
    void alternatingUsersDiscardLeavesTheCurrentLoginWorking() throws SQLException {
        StepContext ctx = alternating();
        ctx.create(fresh());
        fresh().apply(ctx);
        fresh().discard(ctx);
        assertLogsIn(app, appPassword);
    }

    // ---- no plaintext on the server

    @Test
    void noPlaintextPasswordReachesTheServerLogWithLogStatementAll() {
        sandbox.sql("ALTER DATABASE " + sandbox.database() + " SET log_statement = 'all'");
        long offset = ScramPostgres.logSize();
        StepContext single = singleUser();
        String p1 = password(single.create(fresh()));
        fresh().apply(single);
        fresh().test(single);
        fresh().discard(single);
        StepContext alt = alternating();
        String p2 = password(alt.create(fresh()));
        fresh().apply(alt);
        fresh().test(alt);
        // The statements are in the log (so logging was on), as verifiers only.
        Await.until("the ALTER statements reach the server log", () -> {
            String log = ScramPostgres.logSince(offset);
            return log.contains("ALTER USER \"" + app + "\" PASSWORD 'SCRAM-SHA-256$")
                    && log.contains("ALTER USER \"" + app + "_clone\" PASSWORD 'SCRAM-SHA-256$");
        });
        String log = ScramPostgres.logSince(offset);
        assertFalse(log.contains(p1), "the single-user pending password is not in the server log");
        assertFalse(log.contains(p2), "the alternating-users pending password is not in the server log");
        assertFalse(log.contains(appPassword), "the current password (set back by discard) is not in the server log");
    }

    // ---- errors and policy

    @Test
    void unreachableServerFailsWithDownstreamUnavailable() {
        StepContext ctx = new StepContext(Map.of("strategy", "single-user"),
                StepContext.json(app, appPassword, "127.0.0.1", 1, sandbox.database()));
        ctx.create(fresh());
        RotationException e = expectRotation(() -> fresh().apply(ctx));
        assertEquals("DOWNSTREAM_UNAVAILABLE", e.reason());
    }

    @Test
    void malformedOrUnsafeCredentialsFailWithInvalidCredentialJsonNamingNoValue() {
        String password = TestValues.text();
        for (String bad : new String[] {
            "{\"username\":\"" + app + "\",\"password\":\"" + password + "\"", // truncated JSON
            "[\"" + password + "\"]",
            "{\"username\":\"" + app + "\",\"password\":\"" + password + "\",\"host\":\"h\",\"port\":99999}",
            "{\"username\":\"app\\\"; DROP ROLE x; --\",\"password\":\"" + password + "\",\"host\":\"h\"}",
            "{\"username\":\"Mixed\",\"password\":\"" + password + "\",\"host\":\"h\"}",
            "{\"password\":\"" + password + "\",\"host\":\"h\"}",
        }) {
            StepContext ctx = new StepContext(Map.of("strategy", "single-user"), bad);
            RotationException e = expectRotation(() -> fresh().create(ctx));
            assertEquals("INVALID_CREDENTIAL_JSON", e.reason(), e.getMessage());
        }
    }

    @Test
    void aPendingValueNamingAnotherRoleIsRefused() {
        StepContext ctx = alternating();
        ctx.setPending(json(admin, TestValues.text()));
        assertEquals("INVALID_CREDENTIAL_JSON", expectRotation(() -> fresh().apply(ctx)).reason());
    }

    @Test
    void validateRefusesUnknownParamsAndStrategiesAndAlternatingWithoutAdmin() {
        Rotator r = fresh();
        r.validate(Map.of("strategy", "single-user"));
        r.validate(Map.of("strategy", "single-user", "adminSecret", "prod/db/admin", "role", "app", "sslmode", "require"));
        r.validate(Map.of("strategy", "alternating-users", "adminSecret", "prod/db/admin", "role", "app"));
        for (Map<String, String> bad : java.util.List.<Map<String, String>>of(
                Map.of(),
                Map.of("strategy", "both-users"),
                Map.of("strategy", "single-user", "password", "x"),
                Map.of("strategy", "alternating-users"),
                Map.of("strategy", "single-user", "adminSecret", "no-slash", "role", "app"),
                Map.of("strategy", "alternating-users", "adminSecret", "prod/db/admin"),
                Map.of("strategy", "single-user", "adminSecret", "prod/db/admin", "role", "Robert'); DROP"),
                Map.of("strategy", "single-user", "sslmode", "sometimes"))) {
            Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ROTATION_POLICY, () -> r.validate(bad));
        }
        assertEquals(java.util.Set.of("adminSecret"), r.secretParams(Map.of("strategy", "alternating-users", "adminSecret", "a/b")));
        assertEquals(java.util.Set.of(), r.secretParams(Map.of("strategy", "single-user")));
    }

    @Test
    void aValueNamingAnotherRoleOrHostIsRefusedBeforeTheAdminActs() {
        // Whoever may write the rotated secret writes its value; the admin's power stays on the policy's role and server.
        String billingPassword = TestValues.text();
        StepContext otherRole = new StepContext(Map.of("strategy", "alternating-users", "adminSecret", "prod/db-admin", "role", app),
                json("billing", billingPassword)).referencing("adminSecret", adminJson);
        otherRole.create(fresh());
        RotationException refused = Expect.thrown(RotationException.class, () -> fresh().apply(otherRole));
        assertEquals("TARGET_MISMATCH", refused.reason());
        String elsewherePassword = TestValues.text();
        StepContext otherHost = new StepContext(Map.of("strategy", "single-user", "adminSecret", "prod/db-admin", "role", app),
                StepContext.json(app, elsewherePassword, "198.51.100.7", 5432, sandbox.database())).referencing("adminSecret", adminJson);
        otherHost.create(fresh());
        assertEquals("TARGET_MISMATCH", Expect.thrown(RotationException.class, () -> fresh().apply(otherHost)).reason());
        assertEquals("TARGET_MISMATCH", Expect.thrown(RotationException.class, () -> fresh().discard(otherHost)).reason());
        assertTrue(sandbox.storedPassword(app).startsWith("SCRAM-SHA-256$"), "the app role is untouched");
    }

    @Test
    void serviceLoaderFindsTheRotatorByName() {
        assertTrue(Rotators.discover(getClass().getClassLoader()).require("postgresql") instanceof PostgresRotator);
    }

    // ---- helpers

    private static String password(String json) {
        return StepContext.parse(json).getString("password");
    }

    private void assertLogsIn(String role, String password) throws SQLException {
        try (Connection c = ScramPostgres.login(sandbox.database(), role, password); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_user")) {
            rs.next();
            assertEquals(role, rs.getString(1));
        }
    }

    /** The SQLState with which the server refuses {@code role} with {@code password}. */
    private String refusal(String role, String password) {
        try {
            ScramPostgres.login(sandbox.database(), role, password).close();
            return "logged in";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    private static RotationException expectRotation(Executable call) {
        return Expect.thrown(RotationException.class, ErrorCode.ROTATION_STEP_FAILED, call);
    }
}
