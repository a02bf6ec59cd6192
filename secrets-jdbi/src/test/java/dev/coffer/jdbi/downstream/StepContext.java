package dev.coffer.jdbi.downstream;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.rotation.RotationContext;
import dev.coffer.spi.rotation.RotationPolicy;
import dev.coffer.spi.rotation.RotationRun;
import dev.coffer.spi.rotation.RotationSchedule;
import dev.coffer.spi.rotation.Rotator;
import dev.coffer.tck.support.TestValues;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The engine's side of the rotator steps, as the tests drive them: the secret's current, previous
 * and pending values (JSON text, as the engine would keep them as versions) and the secrets the
 * params name. {@link #create(Rotator)} keeps the new value as pending and remembers its password
 * for the leak scans; {@link #promote()} moves current as the engine's CAS does.
 */
final class StepContext implements RotationContext {
    private final RotationPolicy policy;
    private final Map<String, String> referenced = new HashMap<>();
    private volatile String current;
    private volatile String previous;
    private volatile String pending;
    private int currentVersion = 1;

    StepContext(Map<String, String> params, String current) {
        RotationPolicy.Builder b = RotationPolicy.builder(PostgresRotator.NAME, RotationSchedule.every(Duration.ofDays(30)));
        params.forEach(b::param);
        this.policy = b.build();
        this.current = current;
    }

    /** A credential JSON. */
    static String json(String user, String password, String host, int port, String database) {
        return Json.createObjectBuilder().add("username", user).add("password", password).add("host", host)
                .add("port", port).add("database", database).build().toString();
    }

    static JsonObject parse(String json) {
        return Json.createReader(new StringReader(json)).readObject();
    }

    StepContext referencing(String param, String json) {
        referenced.put(param, json);
        return this;
    }

    /** Runs {@code create} and keeps the result as pending (the engine's PENDING version). */
    String create(Rotator rotator) {
        try (SecretValue v = rotator.create(this)) {
            pending = v.asUtf8();
        }
        TestValues.remember(parse(pending).getString("password"));
        return pending;
    }

    /** current -> previous, pending -> current. */
    void promote() {
        previous = current;
        current = pending;
        pending = null;
        currentVersion++;
    }

    String current() {
        return current;
    }

    String pending() {
        return pending;
    }

    void setCurrent(String json) {
        current = json;
    }

    void setPrevious(String json) {
        previous = json;
    }

    void setPending(String json) {
        pending = json;
    }

    @Override
    public Secret secret() {
        throw new UnsupportedOperationException("the postgresql rotator does not read the secret's metadata");
    }

    @Override
    public RotationPolicy policy() {
        return policy;
    }

    @Override
    public RotationRun run() {
        throw new UnsupportedOperationException("the postgresql rotator does not read the run");
    }

    @Override
    public OptionalInt currentVersion() {
        return current == null ? OptionalInt.empty() : OptionalInt.of(currentVersion);
    }

    @Override
    public Optional<SecretValue> currentValue() {
        return Optional.ofNullable(current).map(SecretValue::ofUtf8);
    }

    @Override
    public Optional<SecretValue> previousValue() {
        return Optional.ofNullable(previous).map(SecretValue::ofUtf8);
    }

    @Override
    public SecretValue pendingValue() {
        if (pending == null) {
            throw new IllegalStateException("no pending value");
        }
        return SecretValue.ofUtf8(pending);
    }

    @Override
    public SecretValue referencedSecret(String param) {
        String v = referenced.get(param);
        if (v == null) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "no secret param " + param);
        }
        return SecretValue.ofUtf8(v);
    }

    @Override
    public Instant now() {
        return Instant.now();
    }
}
