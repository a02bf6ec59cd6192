package dev.coffer.tck.support;

import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.rotation.RotationContext;
import dev.coffer.spi.rotation.RotationException;
import dev.coffer.spi.rotation.Rotator;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The rotator the engine topics of the contract rotate with ({@value #NAME}): its "downstream" is a
 * set of accepted credentials held in memory, and a test can make any step fail, crash the engine
 * right after a step's work, or run code while a step runs. Values are made with {@link TestValues}
 * so leak scans find them.
 *
 * <p>Two downstream behaviours, like the PostgreSQL strategies: {@linkplain #singleUser() single
 * user} ({@code apply} replaces the accepted credential, so the current one stops working until
 * {@code discard} restores it) and alternating (the default: {@code apply} adds the pending value and
 * the current one keeps working).
 */
public final class ScriptedRotator implements Rotator {
    /** The rotator's name in policies. */
    public static final String NAME = "tck-scripted";
    /** The steps a test can script. */
    public static final Set<String> STEPS = Set.of("create", "apply", "test", "finish", "retire", "discard");

    /** Thrown right after a step's work, standing for the process dying before the engine records it. */
    public static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(String step) {
            super("simulated crash after step " + step);
        }
    }

    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();
    private final Map<String, Consumer<RotationContext>> during = new ConcurrentHashMap<>();
    private final Set<String> crashAfter = ConcurrentHashMap.newKeySet();
    private final Set<Integer> retired = ConcurrentHashMap.newKeySet();
    private volatile boolean singleUser;

    private record Failure(AtomicInteger remaining, String reason, boolean valueRejected) {}

    @Override
    public String name() {
        return NAME;
    }

    /** Makes {@code apply} replace the accepted credential (and {@code discard} restore the current one). */
    public ScriptedRotator singleUser() {
        this.singleUser = true;
        return this;
    }

    /** Makes the downstream accept {@code credential} (the first current value). */
    public void accept(String credential) {
        accepted.add(credential);
    }

    /** Whether the downstream accepts {@code credential}. */
    public boolean accepts(String credential) {
        return accepted.contains(credential);
    }

    /** Makes the next {@code times} calls of {@code step} throw a {@link RotationException} with {@code reason}. */
    public void failNext(String step, int times, String reason, boolean valueRejected) {
        failures.put(requireStep(step), new Failure(new AtomicInteger(times), reason, valueRejected));
    }

    /** Makes the next call of {@code step} do its work, then throw {@link SimulatedCrash}. */
    public void crashAfter(String step) {
        crashAfter.add(requireStep(step));
    }

    /** Runs {@code action} inside every later call of {@code step}, before its work. */
    public void during(String step, Consumer<RotationContext> action) {
        during.put(requireStep(step), action);
    }

    /** How many times {@code step} was called. */
    public int calls(String step) {
        return calls.getOrDefault(requireStep(step), new AtomicInteger()).get();
    }

    /** The versions {@code retire} was called for. */
    public Set<Integer> retiredVersions() {
        return Set.copyOf(new HashSet<>(retired));
    }

    @Override
    public SecretValue create(RotationContext ctx) {
        enter("create", ctx);
        SecretValue made = TestValues.value();
        leave("create");
        return made;
    }

    @Override
    public void apply(RotationContext ctx) {
        enter("apply", ctx);
        String pending = ctx.pendingValue().asUtf8();
        if (!accepted.contains(pending)) {
            if (singleUser) {
                accepted.clear();
            }
            accepted.add(pending);
        }
        leave("apply");
    }

    @Override
    public void test(RotationContext ctx) {
        enter("test", ctx);
        if (!accepted.contains(ctx.pendingValue().asUtf8())) {
            throw new RotationException("LOGIN_REFUSED", false, "the downstream refuses the pending credential");
        }
        leave("test");
    }

    @Override
    public void finish(RotationContext ctx) {
        enter("finish", ctx);
        leave("finish");
    }

    @Override
    public void retire(RotationContext ctx, int version, SecretValue old) {
        enter("retire", ctx);
        if (!singleUser) {
            accepted.remove(old.asUtf8());
        }
        retired.add(version);
        leave("retire");
    }

    @Override
    public void discard(RotationContext ctx) {
        enter("discard", ctx);
        if (ctx.run().pendingVersion() != null) {
            accepted.remove(ctx.pendingValue().asUtf8());
        }
        ctx.currentValue().ifPresent(current -> accepted.add(current.asUtf8()));
        leave("discard");
    }

    private void enter(String step, RotationContext ctx) {
        calls.computeIfAbsent(step, s -> new AtomicInteger()).incrementAndGet();
        Consumer<RotationContext> action = during.get(step);
        if (action != null) {
            action.accept(ctx);
        }
        Failure failure = failures.get(step);
        if (failure != null && failure.remaining().getAndDecrement() > 0) {
            throw new RotationException(failure.reason(), failure.valueRejected(), "scripted failure of step " + step);
        }
    }

    private void leave(String step) {
        if (crashAfter.remove(step)) {
            throw new SimulatedCrash(step);
        }
    }

    private static String requireStep(String step) {
        if (!STEPS.contains(step)) {
            throw new IllegalArgumentException("no step " + step + "; steps are " + STEPS);
        }
        return step;
    }
}
