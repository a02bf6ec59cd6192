package dev.coffer.tck.rotation;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.rotation.RotationException;
import dev.coffer.spi.rotation.RotationPolicy;
import dev.coffer.spi.rotation.RotationSchedule;
import dev.coffer.spi.rotation.Rotator;
import dev.coffer.spi.rotation.Rotators;
import dev.coffer.spi.rotation.RunState;
import dev.coffer.tck.support.ContractNames;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract every {@link Rotator} must meet: its four steps are idempotent, a rotation interrupted
 * after any step is completed by a new instance, {@code discard} gives the downstream back its
 * current value, a failing downstream gives a coded {@link RotationException} that holds no value,
 * and bad params are refused when the policy is set. Extend it in your test sources and return a
 * fresh {@link RotatorFixture} from {@link #newFixture()} (one per test, closed after it):
 *
 * <pre>{@code
 * class PostgresRotatorTest extends RotatorContract {
 *     @Override
 *     protected RotatorFixture newFixture() {
 *         TestRole role = TestRole.create(scramCluster);          // a role with a random password
 *         return new RotatorFixture() {
 *             public Rotator newRotator() { return new PostgresRotator(); }
 *             public Map<String, String> params() { return Map.of("strategy", "single-user", "adminSecret", "prod/db/admin"); }
 *             public SecretValue currentValue() { return role.credentialJson(); }
 *             public boolean accepts(SecretValue v) { return role.canLogIn(v); }
 *             public StubRotationContext.Builder prepare(StubRotationContext.Builder c) { return c.referencedSecret("adminSecret", admin()); }
 *             public boolean keepsOldValueAfterApply() { return false; }
 *             public void close() { role.drop(); }
 *         };
 *     }
 * }
 * }</pre>
 *
 * <p>The contract drives the rotator with {@link StubRotationContext}s the way the engine does: the
 * current value and, from {@code apply} on, the pending value that {@code create} returned, with the
 * run's state naming the last step done; {@code retire(ctx, 1, old)} gets the old value only as its
 * argument, as from the engine after the overlap: the context's {@code currentVersion()} is 1 but
 * {@code currentValue()} is empty (that version is disabled) and {@code pendingValue()} throws. Values the rotator makes are registered with {@link TestValues#remember} (through
 * {@link RotatorFixture#secretParts}) so {@link NoValueLeaks} scans every log line, console line and
 * exception for them.
 *
 * <p>Every failure message begins with {@code [RotatorContract › Group › testMethod]}
 * ({@link ContractNames}) and then states the rule that broke, never a value.
 */
@ExtendWith({NoValueLeaks.class, ContractNames.class})
public abstract class RotatorContract {
    private static final Pattern REASON = Pattern.compile("[A-Z][A-Z0-9_]*");
    /** Shorter parts are not registered for leak scanning: they could turn up in any text by chance. */
    private static final int SHORTEST_SCANNED = 14;

    private RotatorFixture fixture;
    private RotationPolicy policy;
    private String rotatorName;
    private byte[] current;
    private final List<byte[]> made = new ArrayList<>();

    /** A fresh fixture with its downstream set up to accept its current value; called once per test. */
    protected abstract RotatorFixture newFixture() throws Exception;

    @BeforeEach
    final void openFixture() throws Exception {
        fixture = Objects.requireNonNull(newFixture(), "newFixture() returned null");
        Rotator rotator = Objects.requireNonNull(fixture.newRotator(), "newRotator() returned null");
        rotatorName = rotator.name();
        policy = RotationPolicy.builder(rotatorName, RotationSchedule.parse("30d")).params(fixture.params()).build();
        try (SecretValue c = Objects.requireNonNull(fixture.currentValue(), "currentValue() returned null")) {
            current = keep(c);
        }
    }

    @AfterEach
    final void closeFixture() throws Exception {
        made.forEach(b -> Arrays.fill(b, (byte) 0));
        made.clear();
        if (fixture != null) {
            fixture.close();
        }
    }

    /** Every step called twice in a row has the outcome of one call. */
    @Nested
    class Idempotence {
        @Test
        void createTwiceMakesNewValuesAndChangesNothingDownstream() {
            Rotator r = fixture.newRotator();
            byte[] first = create(r, "the first create");
            byte[] second = create(r, "a second create");

            assertTrue(first.length > 0 && second.length > 0, () -> "rule: create returns a non-empty value; "
                    + rotatorName + " returned 0 bytes");

            assertFalse(Arrays.equals(first, current), () -> "rule: create makes a value other than the current one; "
                    + rotatorName + " returned the current value");
            assertFalse(Arrays.equals(second, current), () -> "rule: create makes a value other than the current one;"
                    + " the second create of " + rotatorName + " returned the current value");
            assertAccepts(current, "rule: create changes nothing downstream; after two creates the downstream refuses"
                    + " the current value");
        }

        @Test
        void applyTwiceWithTheSamePendingValueIsHarmless() {
            Rotator r = fixture.newRotator();
            byte[] pending = create(r, "create");
            apply(r, pending, "the first apply");
            apply(r, pending, "a second apply with the same pending value");

            assertAccepts(pending, "rule: after apply (twice) the downstream accepts the pending value; it refuses it");
            assertOldValueAsDeclared(fixture.keepsOldValueAfterApply(), "after apply (twice)");
        }

        @Test
        void testTwicePasses() {
            Rotator r = fixture.newRotator();
            byte[] pending = create(r, "create");
            apply(r, pending, "apply");
            test(r, pending, "the first test");
            test(r, pending, "a second test");

            assertAccepts(pending, "rule: test changes nothing downstream; after two tests the downstream refuses the"
                    + " pending value");
        }

        @Test
        void finishTwiceKeepsTheNewValueAccepted() {
            Rotator r = fixture.newRotator();
            byte[] pending = create(r, "create");
            apply(r, pending, "apply");
            test(r, pending, "test");
            finish(r, pending, "the first finish");
            finish(r, pending, "a second finish");

            assertAccepts(pending, "rule: after finish (twice) the downstream accepts the new value; it refuses it");
            assertOldValueAsDeclared(fixture.keepsOldValueAfterApply(), "after finish (twice)");
        }

        @Test
        void retireTwiceKeepsTheNewValueAccepted() {
            Rotator r = fixture.newRotator();
            byte[] pending = rotateUpToFinish(r);
            retire(r, "the first retire");
            retire(r, "a second retire");

            assertAccepts(pending, "rule: retire(old) leaves the new value working; after two retires the downstream"
                    + " refuses the new value");
            assertOldValueAsDeclared(fixture.keepsOldValueAfterRetire(), "after retire (twice)");
        }

        @Test
        void discardTwiceLeavesTheCurrentValueAccepted() {
            Rotator r = fixture.newRotator();
            byte[] pending = create(r, "create");
            apply(r, pending, "apply");
            discard(r, RunState.APPLIED, pending, "the first discard");
            discard(r, RunState.APPLIED, pending, "a second discard");

            assertAccepts(current, "rule: after apply then discard (twice) the downstream accepts the current value;"
                    + " it refuses it");
        }
    }

    /** A rotation interrupted after any step is completed by another instance of the rotator. */
    @Nested
    class Resume {
        @ParameterizedTest(name = "after {0}")
        @EnumSource(value = RunState.class, names = {"CREATED", "APPLIED", "TESTED"})
        void aNewInstanceCompletesARotationInterruptedAfterAStep(RunState boundary) {
            Rotator first = fixture.newRotator();
            byte[] pending = create(first, "create");
            if (boundary != RunState.CREATED) {
                apply(first, pending, "apply");
            }
            if (boundary == RunState.TESTED) {
                test(first, pending, "test");
            }

            Rotator second = fixture.newRotator();
            String resumed = "on a new instance after " + boundary;
            if (boundary == RunState.CREATED) {
                apply(second, pending, "apply " + resumed);
            }
            if (boundary != RunState.TESTED) {
                test(second, pending, "test " + resumed);
            }
            finish(second, pending, "finish " + resumed);
            assertAccepts(pending, "rule: a rotation resumed " + resumed + " ends with the downstream accepting the new"
                    + " value; it refuses it");
            assertOldValueAsDeclared(fixture.keepsOldValueAfterApply(), "after a rotation resumed " + resumed);

            retire(fixture.newRotator(), "retire on yet another instance");
            assertAccepts(pending, "rule: retire(old) on another instance leaves the new value working; the downstream"
                    + " refuses it");
            assertOldValueAsDeclared(fixture.keepsOldValueAfterRetire(), "after retire on another instance");
        }

        @ParameterizedTest(name = "after {0}")
        @EnumSource(value = RunState.class, names = {"APPLIED", "TESTED"})
        void aNewInstanceRepeatingTheInterruptedStepCompletesTheRotation(RunState boundary) {
            // the process died after the step did its work downstream but before the engine stored that it had
            Rotator first = fixture.newRotator();
            byte[] pending = create(first, "create");
            apply(first, pending, "apply");
            if (boundary == RunState.TESTED) {
                test(first, pending, "test");
            }

            Rotator second = fixture.newRotator();
            String resumed = "on a new instance repeating the step that led to " + boundary;
            if (boundary == RunState.APPLIED) {
                apply(second, pending, "apply " + resumed);
            }
            test(second, pending, "test " + resumed);
            finish(second, pending, "finish " + resumed);
            assertAccepts(pending, "rule: a rotation resumed " + resumed + " ends with the downstream accepting the new"
                    + " value; it refuses it");
            assertOldValueAsDeclared(fixture.keepsOldValueAfterApply(), "after a rotation resumed " + resumed);
        }
    }

    /** {@code discard} gives the downstream back its current value (test-only runs, cancels, final failures). */
    @Nested
    class Discard {
        @Test
        void discardAfterApplyMakesTheDownstreamAcceptTheCurrentValueAgain() {
            Rotator r = fixture.newRotator();
            byte[] pending = create(r, "create");
            apply(r, pending, "apply");
            discard(r, RunState.APPLIED, pending, "discard after apply");

            assertAccepts(current, "rule: after apply then discard the downstream accepts the current value; it"
                    + " refuses it");
        }

        @Test
        void discardAfterTestMakesTheDownstreamAcceptTheCurrentValueAgain() {
            // a test-only run: create, apply, test, then discard instead of promoting
            Rotator r = fixture.newRotator();
            byte[] pending = create(r, "create");
            apply(r, pending, "apply");
            test(r, pending, "test");
            discard(r, RunState.TESTED, pending, "discard after test");

            assertAccepts(current, "rule: after apply, test then discard (a test-only run) the downstream accepts the"
                    + " current value; it refuses it");
        }

        @Test
        void discardBeforeApplyLeavesTheCurrentValueAccepted() {
            Rotator r = fixture.newRotator();
            byte[] pending = create(r, "create");
            discard(r, RunState.CREATED, pending, "discard after create");

            assertAccepts(current, "rule: discard of a run that never applied leaves the current value working; the"
                    + " downstream refuses it");
        }

        @Test
        void discardOnANewInstanceMakesTheDownstreamAcceptTheCurrentValueAgain() {
            Rotator first = fixture.newRotator();
            byte[] pending = create(first, "create");
            apply(first, pending, "apply");
            discard(fixture.newRotator(), RunState.APPLIED, pending, "discard on a new instance");

            assertAccepts(current, "rule: a cancel carried out by another instance (discard after apply) gives the"
                    + " downstream back the current value; it refuses it");
        }
    }

    /** Failures are coded and hold no value. */
    @Nested
    class Errors {
        @Test
        void aFailingDownstreamGivesACodedRotationExceptionWithoutValues() {
            Assumptions.assumeTrue(fixture.failDownstream(), "this fixture cannot make the downstream fail");
            Rotator r = fixture.newRotator();
            byte[] pending;
            try {
                pending = create(r, r::create);
            } catch (Throwable thrown) {
                assertCodedWithoutValues(thrown, "create with the downstream failing", current);
                return;
            }
            for (String step : List.of("apply", "test")) {
                try (StubRotationContext ctx = context(step.equals("apply") ? RunState.CREATED : RunState.APPLIED, current, pending)) {
                    if (step.equals("apply")) {
                        r.apply(ctx);
                    } else {
                        r.test(ctx);
                    }
                } catch (Throwable thrown) {
                    assertCodedWithoutValues(thrown, step + " with the downstream failing", current, pending);
                    return;
                }
            }
            fail("rule: with the downstream failing, create, apply or test throws RotationException; " + rotatorName
                    + " completed all three");
        }

        @Test
        void testOfAValueTheDownstreamRefusesGivesACodedRotationExceptionWithoutValues() {
            Optional<SecretValue> refused = fixture.refusedPendingValue();
            Assumptions.assumeTrue(refused.isPresent(), "this fixture gives no refused pending value");
            byte[] pending;
            try (SecretValue v = refused.get()) {
                pending = keep(v);
            }
            Rotator r = fixture.newRotator();
            try (StubRotationContext ctx = context(RunState.APPLIED, current, pending)) {
                r.test(ctx);
            } catch (Throwable thrown) {
                assertCodedWithoutValues(thrown, "test of a value the downstream refuses", current, pending);
                return;
            }
            fail("rule: test of a value the downstream refuses throws RotationException; " + rotatorName
                    + "'s test returned normally");
        }
    }

    /** Params are checked when the policy is set. */
    @Nested
    class Validation {
        @Test
        void theRotatorHasAValidName() {
            Rotator r = fixture.newRotator();
            try {
                Rotators.of(r);
            } catch (IllegalArgumentException bad) {
                fail("rule: a rotator's name matches [a-z][a-z0-9-]{0,62} and is not manual-overlap; " + bad.getMessage());
            }
        }

        @Test
        void theFixtureParamsAreAccepted() {
            Rotator r = fixture.newRotator();
            Map<String, String> params = fixture.params();
            run(() -> r.validate(params), "rule: validate accepts the fixture's params " + params.keySet());
            Set<String> secretParams = r.secretParams(params);
            assertTrue(params.keySet().containsAll(secretParams), () -> "rule: secretParams(params) names params that"
                    + " are there; got " + secretParams + " for params " + params.keySet());
        }

        @Test
        void invalidParamsAreRefusedWithInvalidRotationPolicy() {
            List<RotatorFixture.InvalidParams> cases = fixture.invalidParams();
            Assumptions.assumeFalse(cases.isEmpty(), "this fixture gives no invalid params");
            Rotator r = fixture.newRotator();
            assertAll(cases.stream().map(c -> (Executable) () -> Expect.thrown(InvalidRequestException.class,
                    ErrorCode.INVALID_ROTATION_POLICY, () -> r.validate(c.params()),
                    () -> "rule: validate refuses params that " + c.why() + " with INVALID_ROTATION_POLICY; params "
                            + c.params().keySet())));
        }
    }

    // --- the steps, as the engine calls them ---

    private byte[] rotateUpToFinish(Rotator r) {
        byte[] pending = create(r, "create");
        apply(r, pending, "apply");
        test(r, pending, "test");
        finish(r, pending, "finish");
        return pending;
    }

    private byte[] create(Rotator r, String what) {
        try {
            return create(r, r::create);
        } catch (AssertionError e) {
            throw e;
        } catch (Throwable thrown) {
            throw stepFailed(what, thrown);
        }
    }

    private byte[] create(Rotator r, java.util.function.Function<StubRotationContext, SecretValue> step) {
        try (StubRotationContext ctx = context(RunState.STARTED, current, null)) {
            SecretValue made = step.apply(ctx);
            if (made == null) {
                throw new AssertionError("rule: create returns a value; " + rotatorName + " returned null");
            }
            try (made) {
                return keep(made);
            }
        }
    }

    private void apply(Rotator r, byte[] pending, String what) {
        step(RunState.CREATED, pending, what, r::apply);
    }

    private void test(Rotator r, byte[] pending, String what) {
        step(RunState.APPLIED, pending, what, r::test);
    }

    private void finish(Rotator r, byte[] pending, String what) {
        step(RunState.PROMOTED, pending, what, r::finish);
    }

    private void discard(Rotator r, RunState lastDone, byte[] pending, String what) {
        step(lastDone, pending, what, r::discard);
    }

    private void retire(Rotator r, String what) {
        // as the engine does after the overlap: the run is finished, the version it rotated from is disabled (its
        // number is known, its value is only the argument), and pendingValue() is not available (Rotator#retire)
        try (StubRotationContext ctx = fixture.prepare(StubRotationContext.builder(policy))
                .currentVersionOnly(StubRotationContext.CURRENT_VERSION)
                .state(RunState.FINISHED)
                .build();
                SecretValue old = SecretValue.of(current)) {
            r.retire(ctx, StubRotationContext.CURRENT_VERSION, old);
        } catch (Throwable thrown) {
            throw stepFailed(what, thrown);
        }
    }

    private void step(RunState lastDone, byte[] pending, String what, java.util.function.Consumer<StubRotationContext> step) {
        try (StubRotationContext ctx = context(lastDone, current, pending)) {
            step.accept(ctx);
        } catch (Throwable thrown) {
            throw stepFailed(what, thrown);
        }
    }

    private StubRotationContext context(RunState lastDone, byte[] currentValue, byte[] pending) {
        StubRotationContext.Builder b = fixture.prepare(StubRotationContext.builder(policy));
        try (SecretValue c = SecretValue.of(currentValue)) {
            b.current(c);
        }
        if (pending != null) {
            try (SecretValue p = SecretValue.of(pending)) {
                b.pending(p);
            }
        }
        return b.state(lastDone).build();
    }

    private void run(Executable call, String rule) {
        try {
            call.execute();
        } catch (Throwable thrown) {
            throw new AssertionError(rule + "; it threw " + describe(thrown), thrown);
        }
    }

    private AssertionError stepFailed(String what, Throwable thrown) {
        // the cause goes along: NoValueLeaks replaces the whole failure if it carries a value
        return new AssertionError("rule: every step of a rotation against a working downstream succeeds; "
                + rotatorName + "'s " + what + " threw " + describe(thrown), thrown);
    }

    private static String describe(Throwable thrown) {
        return thrown instanceof RotationException re
                ? "RotationException " + re.reason()
                : thrown.getClass().getName();
    }

    // --- values and checks ---

    /** Copies {@code value}'s bytes (wiped after the test) and registers its secret parts for leak scanning. */
    private byte[] keep(SecretValue value) {
        byte[] bytes = value.bytes().clone();
        made.add(bytes);
        for (String part : fixture.secretParts(value)) {
            if (part != null && part.length() >= SHORTEST_SCANNED) {
                TestValues.remember(part);
            }
        }
        return bytes;
    }

    private boolean accepts(byte[] value) {
        try (SecretValue v = SecretValue.of(value)) {
            return fixture.accepts(v);
        }
    }

    private void assertAccepts(byte[] value, String rule) {
        assertTrue(accepts(value), () -> rule + " (" + rotatorName + ")");
    }

    private void assertOldValueAsDeclared(boolean keeps, String when) {
        boolean accepted = accepts(current);
        assertEquals(keeps, accepted, () -> "rule: the fixture declares that the downstream "
                + (keeps ? "still accepts" : "no longer accepts") + " the old value " + when + "; it "
                + (accepted ? "accepts" : "refuses") + " it (" + rotatorName + ")");
    }

    private void assertCodedWithoutValues(Throwable thrown, String what, byte[]... values) {
        if (!(thrown instanceof RotationException re)) {
            throw new AssertionError("rule: " + what + " throws RotationException; " + rotatorName + " threw "
                    + thrown.getClass().getName(), thrown);
        }
        assertTrue(REASON.matcher(re.reason()).matches(), () -> "rule: a RotationException's reason matches"
                + " [A-Z][A-Z0-9_]*; " + what + " gave another");
        String text = rendered(thrown);
        for (byte[] value : values) {
            try (SecretValue v = SecretValue.of(value)) {
                for (String part : fixture.secretParts(v)) {
                    if (part != null && !part.isEmpty() && text.contains(part)) {
                        // the exception is not attached: it holds the value
                        throw new AssertionError("rule: no value in a RotationException's message, toString or cause"
                                + " chain; " + what + " (reason " + re.reason() + ") holds the current or pending value");
                    }
                }
            }
        }
        NoValueLeaks.assertNoValueIn(thrown);
    }

    /** Message, toString and stack trace of {@code thrown} and of every cause and suppressed exception. */
    private static String rendered(Throwable thrown) {
        StringWriter out = new StringWriter();
        thrown.printStackTrace(new PrintWriter(out));
        StringBuilder all = new StringBuilder(out.toString());
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            all.append('\n').append(t).append('\n').append(t.getMessage());
        }
        return all.toString();
    }
}
