package dev.coffer.tck.rotation;

import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.rotation.Rotator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link RotatorContract} needs to test one {@link Rotator}: fresh instances of it, its params,
 * a downstream set up with a current value, and a probe that asks the downstream whether it accepts a
 * value. {@link RotatorContract#newFixture()} makes one per test and closes it afterwards, so a
 * fixture may own per-test downstream state (a role, a test HTTP server).
 *
 * <p>Only {@link #newRotator()}, {@link #params()}, {@link #currentValue()} and {@link #accepts}
 * are required; the defaults describe a rotator whose downstream keeps accepting the old value and
 * a fixture that cannot make the downstream fail.
 */
public interface RotatorFixture extends AutoCloseable {
    /**
     * A new instance of the rotator, sharing nothing in memory with earlier ones (the contract calls
     * this again to continue a rotation "in another process").
     */
    Rotator newRotator();

    /** The params of the rotation policy; the rotator's {@code validate} must accept them. */
    Map<String, String> params();

    /**
     * The value the downstream accepts when the test starts (the fixture set it up), as a fresh
     * {@link SecretValue} on each call; the contract closes it.
     */
    SecretValue currentValue();

    /**
     * The downstream probe: whether the system downstream accepts {@code value} now (a PostgreSQL
     * fixture logs in with it through password authentication). Must not close {@code value}; must
     * not throw for a refused value, just return {@code false}.
     */
    boolean accepts(SecretValue value);

    /**
     * Adds to each context the contract builds what this rotator needs besides the values: the
     * referenced secrets its secret params name, the previous value, the secret's metadata. The
     * contract sets the current and pending values and the run's state after this.
     */
    default StubRotationContext.Builder prepare(StubRotationContext.Builder context) {
        return context;
    }

    /**
     * The parts of {@code value} that must never appear in any output: the whole value by default; a
     * JSON credential's password. The contract registers them for leak scanning.
     */
    default List<String> secretParts(SecretValue value) {
        return List.of(value.asUtf8());
    }

    /**
     * Whether the downstream still accepts the old (current) value after {@code apply} made it
     * accept the pending one, and so through {@code finish} until {@code retire}: {@code true} (the
     * default) for alternating users or an API with two live keys, {@code false} for
     * {@code ALTER ROLE ... PASSWORD}.
     */
    default boolean keepsOldValueAfterApply() {
        return true;
    }

    /** Whether the downstream still accepts the old value after {@code retire(old)}; by default as after apply. */
    default boolean keepsOldValueAfterRetire() {
        return keepsOldValueAfterApply();
    }

    /**
     * Makes the downstream fail from now on (stop its test server, point the admin secret at a wrong
     * password, ...) and returns {@code true}; returns {@code false} (the default) if this fixture
     * cannot, and the contract skips the rules that need it.
     */
    default boolean failDownstream() {
        return false;
    }

    /**
     * A pending value whose {@code test} must fail: one the downstream was never given, or one the
     * rotator's own policy refuses. Empty (the default) skips the rule.
     */
    default Optional<SecretValue> refusedPendingValue() {
        return Optional.empty();
    }

    /** Params {@code validate} must refuse with {@code INVALID_ROTATION_POLICY}, each paired with why, for the failure message. */
    default List<InvalidParams> invalidParams() {
        return List.of();
    }

    /** Releases what the fixture set up; the default does nothing. */
    @Override
    default void close() throws Exception {
    }

    /**
     * Params that {@code validate} must refuse.
     *
     * @param why the rule they break, named in a failure message (never a value)
     * @param params the params
     */
    record InvalidParams(String why, Map<String, String> params) {
        public InvalidParams {
            params = Map.copyOf(params);
        }

        /** {@code new InvalidParams(why, params)}. */
        public static InvalidParams of(String why, Map<String, String> params) {
            return new InvalidParams(why, params);
        }
    }
}
