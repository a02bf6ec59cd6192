package dev.coffer.tck.rotation;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.rotation.RotationContext;
import dev.coffer.spi.rotation.RotationPolicy;
import dev.coffer.spi.rotation.RotationRun;
import dev.coffer.spi.rotation.RunState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * A {@link RotationContext} without an engine, for testing a {@link dev.coffer.spi.rotation.Rotator}
 * step by step: it holds the secret's metadata, the policy, the run, the current, previous and
 * pending values and the referenced secrets its builder was given.
 *
 * <p>It keeps its own copies of the values and hands out a fresh {@link SecretValue} on every call,
 * so a rotator that (wrongly) closes a value it was given does not break the next step;
 * {@link #close()} wipes the copies and every value handed out. Like the engine's context,
 * {@link #pendingValue()} throws {@link IllegalStateException} when there is no pending value (in
 * {@code create} and {@code retire}), and {@link #referencedSecret} throws
 * {@link InvalidRequestException} for a param it was not given.
 *
 * <pre>{@code
 * RotationPolicy policy = RotationPolicy.builder("postgresql", RotationSchedule.parse("30d"))
 *         .param("adminSecret", "prod/db/admin").build();
 * try (StubRotationContext ctx = StubRotationContext.builder(policy)
 *         .current(SecretValue.ofUtf8(currentJson))
 *         .pending(SecretValue.ofUtf8(pendingJson))
 *         .referencedSecret("adminSecret", SecretValue.ofUtf8(adminJson))
 *         .state(RunState.CREATED)
 *         .build()) {
 *     rotator.apply(ctx);
 * }
 * }</pre>
 */
public final class StubRotationContext implements RotationContext, AutoCloseable {
    /** The tenant of the default secret. */
    public static final String TENANT = "tck-acme";
    /** The version number the current value has unless the builder says otherwise. */
    public static final int CURRENT_VERSION = 1;
    /** The version number the pending value has unless the builder says otherwise. */
    public static final int PENDING_VERSION = 2;

    private final Secret secret;
    private final RotationPolicy policy;
    private final RotationRun run;
    private final Integer currentVersion;
    private final byte[] current;
    private final byte[] previous;
    private final byte[] pending;
    private final Map<String, byte[]> referenced;
    private final Supplier<Instant> clock;
    private final List<SecretValue> handedOut = new ArrayList<>();

    private StubRotationContext(Builder b) {
        this.policy = b.policy;
        this.clock = b.clock;
        Instant now = clock.get();
        this.secret = b.secret != null ? b.secret
                : new Secret("sec_tckrotated", SecretPath.of(TENANT, "prod", "tck/rotated"), "tck-team", "",
                        policy.rotator(), null, Map.of(), now, now, null, null);
        this.currentVersion = b.current != null || b.currentUnreadable ? b.currentVersion : null;
        // copies, so that closing this context leaves the builder usable for the next one
        this.current = clone(b.current);
        this.previous = clone(b.previous);
        this.pending = clone(b.pending);
        Map<String, byte[]> refs = new LinkedHashMap<>();
        b.referenced.forEach((param, value) -> refs.put(param, value.clone()));
        this.referenced = Map.copyOf(refs);
        this.run = b.run != null ? b.run
                : RotationRun.started("rot_tckrun", secret.path().tenant(), secret.id(), policy.rotator(),
                                "service:coffer:rotation", now)
                        .state(b.state)
                        .fromVersion(currentVersion)
                        .pendingVersion(pending == null ? null : b.pendingVersion)
                        .build();
    }

    /** A builder for a context of a secret rotated under {@code policy}; everything else is optional. */
    public static Builder builder(RotationPolicy policy) {
        return new Builder(policy);
    }

    @Override
    public Secret secret() {
        return secret;
    }

    @Override
    public RotationPolicy policy() {
        return policy;
    }

    @Override
    public RotationRun run() {
        return run;
    }

    @Override
    public OptionalInt currentVersion() {
        return currentVersion == null ? OptionalInt.empty() : OptionalInt.of(currentVersion);
    }

    @Override
    public Optional<SecretValue> currentValue() {
        return current == null ? Optional.empty() : Optional.of(handOut(current));
    }

    @Override
    public Optional<SecretValue> previousValue() {
        return previous == null ? Optional.empty() : Optional.of(handOut(previous));
    }

    @Override
    public SecretValue pendingValue() {
        if (pending == null) {
            throw new IllegalStateException("there is no pending value in this step (create or retire)");
        }
        return handOut(pending);
    }

    @Override
    public SecretValue referencedSecret(String param) {
        byte[] value = referenced.get(param);
        if (value == null) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT,
                    "param " + param + " is not one of the secret params this context was given " + referenced.keySet());
        }
        return handOut(value);
    }

    @Override
    public Instant now() {
        return clock.get();
    }

    /** Whether this context has a pending value. */
    public boolean hasPending() {
        return pending != null;
    }

    /** Wipes the values this context holds and every value it handed out. */
    @Override
    public void close() {
        synchronized (handedOut) {
            handedOut.forEach(SecretValue::close);
            handedOut.clear();
        }
        wipe(current);
        wipe(previous);
        wipe(pending);
        referenced.values().forEach(StubRotationContext::wipe);
    }

    /** Never shows a value: the run and the versions only. */
    @Override
    public String toString() {
        return "StubRotationContext[" + secret.path() + ", run " + run.id() + " " + run.state()
                + ", current v" + currentVersion + ", pending " + (pending == null ? "none" : "v" + run.pendingVersion())
                + ", referenced " + referenced.keySet() + "]";
    }

    private SecretValue handOut(byte[] bytes) {
        SecretValue v = SecretValue.of(bytes);
        synchronized (handedOut) {
            handedOut.add(v);
        }
        return v;
    }

    private static void wipe(byte[] bytes) {
        if (bytes != null) {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static byte[] clone(byte[] bytes) {
        return bytes == null ? null : bytes.clone();
    }

    private static byte[] copy(SecretValue v) {
        return Objects.requireNonNull(v, "value").bytes().clone();
    }

    /** Builds a {@link StubRotationContext}; every value given is copied, the caller keeps (and closes) its own. */
    public static final class Builder {
        private final RotationPolicy policy;
        private Secret secret;
        private RotationRun run;
        private RunState state = RunState.STARTED;
        private int currentVersion = CURRENT_VERSION;
        private boolean currentUnreadable;
        private int pendingVersion = PENDING_VERSION;
        private byte[] current;
        private byte[] previous;
        private byte[] pending;
        private final Map<String, byte[]> referenced = new LinkedHashMap<>();
        private Supplier<Instant> clock = Instant::now;

        private Builder(RotationPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
        }

        /** The secret's metadata; by default a secret at {@code tck-acme/prod/tck/rotated} naming the policy's rotator. */
        public Builder secret(Secret s) {
            this.secret = s;
            return this;
        }

        /** The run, whole; by default a run of the policy's rotator in {@link #state(RunState)}. */
        public Builder run(RotationRun r) {
            this.run = r;
            return this;
        }

        /** The state of the default run (the last step done): {@code STARTED} by default. */
        public Builder state(RunState s) {
            this.state = Objects.requireNonNull(s, "state");
            return this;
        }

        /** The current value, as version {@link #CURRENT_VERSION}. */
        public Builder current(SecretValue v) {
            return current(CURRENT_VERSION, v);
        }

        /** The current value and its version number. */
        public Builder current(int version, SecretValue v) {
            this.currentVersion = version;
            this.currentUnreadable = false;
            this.current = v == null ? null : copy(v);
            return this;
        }

        /**
         * Only the number of the version {@code current} pointed at when the run opened, its value no
         * longer readable: what the engine's context holds in {@code retire}, after the overlap disabled
         * that version ({@link RotationContext#currentValue()} is empty there).
         */
        public Builder currentVersionOnly(int version) {
            this.currentVersion = version;
            this.current = null;
            this.currentUnreadable = true;
            return this;
        }

        /** The value of the version {@code previous} points at. */
        public Builder previous(SecretValue v) {
            this.previous = v == null ? null : copy(v);
            return this;
        }

        /** The pending value, as version {@link #PENDING_VERSION}; none (the default) for {@code create} and {@code retire}. */
        public Builder pending(SecretValue v) {
            return pending(PENDING_VERSION, v);
        }

        /** The pending value and its version number. */
        public Builder pending(int version, SecretValue v) {
            this.pendingVersion = version;
            this.pending = v == null ? null : copy(v);
            return this;
        }

        /** The value {@link RotationContext#referencedSecret(String) referencedSecret(param)} returns. */
        public Builder referencedSecret(String param, SecretValue v) {
            this.referenced.put(Objects.requireNonNull(param, "param"), copy(v));
            return this;
        }

        /** The clock {@link RotationContext#now()} reads; the system clock by default. */
        public Builder clock(Supplier<Instant> c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /** The context. */
        public StubRotationContext build() {
            return new StubRotationContext(this);
        }
    }
}
