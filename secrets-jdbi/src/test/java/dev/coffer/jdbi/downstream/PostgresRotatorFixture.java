package dev.coffer.jdbi.downstream;

import dev.coffer.jdbi.testing.ScramPostgres;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.rotation.Rotator;
import dev.coffer.tck.rotation.RotatorFixture;
import dev.coffer.tck.rotation.StubRotationContext;
import dev.coffer.tck.support.TestValues;
import jakarta.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code postgresql} rotator's downstream for {@link dev.coffer.tck.rotation.RotatorContract}: a
 * sandbox database on the password-checking cluster with role {@code app} (owning a table) and an
 * admin with {@code CREATEROLE}; {@link #accepts} logs in through SCRAM.
 */
final class PostgresRotatorFixture implements RotatorFixture {
    private final boolean alternating;
    private final ScramPostgres.Sandbox sandbox = ScramPostgres.sandbox();
    private final String app;
    private final String appPassword = TestValues.text();
    private final String adminJson;

    PostgresRotatorFixture(boolean alternating) {
        this.alternating = alternating;
        app = sandbox.createRole("app", "LOGIN", appPassword);
        String adminPassword = TestValues.text();
        String admin = sandbox.createRole("admin", "LOGIN CREATEROLE", adminPassword);
        adminJson = json(admin, adminPassword);
        sandbox.sql("CREATE TABLE app_data (id int PRIMARY KEY)", "ALTER TABLE app_data OWNER TO " + app);
    }

    private String json(String user, String password) {
        return StepContext.json(user, password, ScramPostgres.host(), ScramPostgres.port(), sandbox.database());
    }

    @Override
    public Rotator newRotator() {
        return new PostgresRotator();
    }

    @Override
    public Map<String, String> params() {
        return Map.of("strategy", alternating ? "alternating-users" : "single-user", "adminSecret", "prod/db-admin", "role", app);
    }

    @Override
    public SecretValue currentValue() {
        return SecretValue.ofUtf8(json(app, appPassword));
    }

    @Override
    public boolean accepts(SecretValue value) {
        JsonObject c = StepContext.parse(value.asUtf8());
        try (Connection conn = ScramPostgres.login(sandbox.database(), c.getString("username"), c.getString("password"))) {
            return conn.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public StubRotationContext.Builder prepare(StubRotationContext.Builder context) {
        return context.referencedSecret("adminSecret", SecretValue.ofUtf8(adminJson));
    }

    @Override
    public List<String> secretParts(SecretValue value) {
        return List.of(StepContext.parse(value.asUtf8()).getString("password"));
    }

    @Override
    public boolean keepsOldValueAfterApply() {
        return alternating; // single-user's ALTER ROLE replaces the password
    }

    @Override
    public boolean keepsOldValueAfterRetire() {
        return false; // alternating-users locks the old role out when the overlap ends
    }

    @Override
    public boolean failDownstream() {
        // Nobody but the superuser may connect to the database any more: every login the rotator
        // makes (its own, the admin's) is refused with a permission error.
        sandbox.sql("REVOKE CONNECT ON DATABASE " + sandbox.database() + " FROM PUBLIC");
        return true;
    }

    @Override
    public Optional<SecretValue> refusedPendingValue() {
        // The role the strategy would rotate, with a password the server was never given.
        return Optional.of(SecretValue.ofUtf8(json(alternating ? app + "_clone" : app, TestValues.text())));
    }

    @Override
    public List<InvalidParams> invalidParams() {
        return List.of(
                InvalidParams.of("no strategy", Map.of()),
                InvalidParams.of("an unknown strategy", Map.of("strategy", "both-users")),
                InvalidParams.of("an unknown param", Map.of("strategy", "single-user", "password", "nope")),
                InvalidParams.of("alternating-users without adminSecret", Map.of("strategy", "alternating-users")),
                InvalidParams.of("an adminSecret that is not environment/path", Map.of("strategy", "single-user", "adminSecret", "admin")),
                InvalidParams.of("an unknown sslmode", Map.of("strategy", "single-user", "sslmode", "sometimes")));
    }

    @Override
    public void close() {
        sandbox.close();
    }
}
