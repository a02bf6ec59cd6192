package dev.coffer.tck.rotation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.rotation.RotationContext;
import dev.coffer.spi.rotation.RotationException;
import dev.coffer.spi.rotation.Rotator;
import dev.coffer.tck.support.TestValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The TCK's own check that {@link RotatorContract} catches the bugs it is about. A fake rotator over
 * an in-memory "downstream" (a set of accepted values) passes the whole contract, failing-downstream
 * rules included, in both its modes; each broken variant of it (one bug planted) fails the contract with
 * a message stating the rule it breaks. The contracts run through the JUnit Platform Launcher only.
 */
class RotatorContractCatchesBrokenRotatorsTest {

    @Test
    void aCorrectRotatorWithTwoLiveKeysPassesTheWholeContract() {
        Result r = run(TwoKeys.class);
        assertEquals(List.of(), r.failures, "failures of a correct rotator");
        assertEquals(0, r.aborted, "with a failing downstream and a refused value offered, nothing is skipped");
        assertTrue(r.succeeded >= 20, () -> "tests run: " + r.succeeded);
    }

    @Test
    void aCorrectRotatorThatReplacesTheOldValuePassesTheWholeContract() {
        Result r = run(SingleUser.class);
        assertEquals(List.of(), r.failures, "failures of a correct rotator");
        assertEquals(0, r.aborted);
    }

    @Test
    void anErrorMessageHoldingThePendingValueIsCaught() {
        caught(LeaksInErrors.class, "rule: no value in a RotationException's message, toString or cause chain");
    }

    @Test
    void aFailureThatIsNotARotationExceptionIsCaught() {
        caught(ThrowsIllegalState.class, "with the downstream failing throws RotationException");
    }

    @Test
    void anApplyThatRefusesToRunTwiceIsCaught() {
        caught(ApplyOnlyOnce.class, "a second apply with the same pending value threw RotationException ALREADY_APPLIED");
    }

    @Test
    void aDiscardThatDoesNotGiveBackTheCurrentValueIsCaught() {
        caught(DiscardForgets.class, "then discard the downstream accepts the current value");
    }

    @Test
    void aRotatorThatKeepsTheRunInMemoryIsCaughtByResume() {
        caught(RemembersInMemory.class, "test on a new instance after APPLIED threw RotationException NOT_APPLIED_HERE");
    }

    @Test
    void aRotatorWhoseTestPassesAnyValueIsCaught() {
        caught(TestPassesEverything.class, "rule: test of a value the downstream refuses throws RotationException");
    }

    @Test
    void aValidateThatAcceptsAnythingIsCaught() {
        caught(AcceptsAnyParams.class, "rule: validate refuses params that name an unknown mode with INVALID_ROTATION_POLICY");
    }

    private static void caught(Class<? extends RotatorContract> contract, String rule) {
        Result r = run(contract);
        assertTrue(r.failures.stream().anyMatch(m -> m.contains(rule)),
                () -> contract.getSimpleName() + " should fail with '" + rule + "'; failures: " + r.failures);
        assertTrue(r.failures.stream().allMatch(m -> m.startsWith("[RotatorContract › ")),
                () -> "every failure names the contract: " + r.failures);
    }

    // --- the fake downstream and rotator ---

    /** A downstream that accepts a set of values and can be made to fail. */
    static final class Downstream {
        final Set<String> accepted = ConcurrentHashMap.newKeySet();
        volatile boolean failing;
    }

    /** The bugs a variant of the fake rotator may have. */
    enum Bug { NONE, LEAKS_IN_ERRORS, THROWS_ILLEGAL_STATE, APPLY_ONLY_ONCE, DISCARD_FORGETS, REMEMBERS_IN_MEMORY,
        TEST_PASSES_EVERYTHING, ACCEPTS_ANY_PARAMS }

    /** Mode {@code two-keys} adds the pending value beside the current one; {@code single} replaces it. */
    static final class FakeRotator implements Rotator {
        private final Downstream downstream;
        private final Bug bug;
        private String appliedHere;

        FakeRotator(Downstream downstream, Bug bug) {
            this.downstream = downstream;
            this.bug = bug;
        }

        @Override
        public String name() {
            return "tck-fake";
        }

        @Override
        public void validate(Map<String, String> params) {
            if (bug == Bug.ACCEPTS_ANY_PARAMS) {
                return;
            }
            String mode = params.get("mode");
            if (!params.keySet().equals(Set.of("mode")) || !(mode.equals("two-keys") || mode.equals("single"))) {
                throw new InvalidRequestException(ErrorCode.INVALID_ROTATION_POLICY, "param mode must be two-keys or single");
            }
        }

        @Override
        public SecretValue create(RotationContext ctx) {
            return SecretValue.ofUtf8(TestValues.text());
        }

        @Override
        public void apply(RotationContext ctx) {
            String pending = ctx.pendingValue().asUtf8();
            if (downstream.failing) {
                if (bug == Bug.LEAKS_IN_ERRORS) {
                    throw new RotationException("DOWNSTREAM_UNAVAILABLE", false, "could not set " + pending);
                }
                if (bug == Bug.THROWS_ILLEGAL_STATE) {
                    throw new IllegalStateException("downstream down");
                }
                throw new RotationException("DOWNSTREAM_UNAVAILABLE", false, "the fake downstream is down",
                        new RuntimeException("connection refused"));
            }
            if (downstream.accepted.contains(pending)) {
                if (bug == Bug.APPLY_ONLY_ONCE) {
                    throw new RotationException("ALREADY_APPLIED", false, "applied before");
                }
                return;
            }
            if (single(ctx)) {
                downstream.accepted.clear();
            }
            downstream.accepted.add(pending);
            appliedHere = pending;
        }

        @Override
        public void test(RotationContext ctx) {
            String pending = ctx.pendingValue().asUtf8();
            if (bug == Bug.REMEMBERS_IN_MEMORY && !pending.equals(appliedHere)) {
                throw new RotationException("NOT_APPLIED_HERE", false, "this instance did not apply the pending value");
            }
            if (bug != Bug.TEST_PASSES_EVERYTHING && !downstream.accepted.contains(pending)) {
                throw new RotationException("LOGIN_REFUSED", true, "the fake downstream refuses the pending value");
            }
        }

        @Override
        public void discard(RotationContext ctx) {
            if (bug == Bug.DISCARD_FORGETS) {
                return;
            }
            downstream.accepted.remove(ctx.pendingValue().asUtf8());
            ctx.currentValue().ifPresent(c -> downstream.accepted.add(c.asUtf8()));
        }

        @Override
        public void retire(RotationContext ctx, int version, SecretValue old) {
            downstream.accepted.remove(old.asUtf8());
        }

        private static boolean single(RotationContext ctx) {
            return "single".equals(ctx.policy().param("mode"));
        }
    }

    /** The fake's fixture: every hook offered. */
    static RotatorFixture fixture(String mode, Bug bug) {
        Downstream downstream = new Downstream();
        String current = TestValues.text();
        downstream.accepted.add(current);
        return new RotatorFixture() {
            @Override
            public Rotator newRotator() {
                return new FakeRotator(downstream, bug);
            }

            @Override
            public Map<String, String> params() {
                return Map.of("mode", mode);
            }

            @Override
            public SecretValue currentValue() {
                return SecretValue.ofUtf8(current);
            }

            @Override
            public boolean accepts(SecretValue value) {
                return downstream.accepted.contains(value.asUtf8());
            }

            @Override
            public boolean keepsOldValueAfterApply() {
                return mode.equals("two-keys");
            }

            @Override
            public boolean keepsOldValueAfterRetire() {
                return false;
            }

            @Override
            public boolean failDownstream() {
                downstream.failing = true;
                return true;
            }

            @Override
            public Optional<SecretValue> refusedPendingValue() {
                return Optional.of(TestValues.value());
            }

            @Override
            public List<InvalidParams> invalidParams() {
                return List.of(InvalidParams.of("name an unknown mode", Map.of("mode", "triple")),
                        InvalidParams.of("name an unknown param", Map.of("mode", "single", "colour", "red")));
            }
        };
    }

    // --- the contracts, run only through run(...) ---

    @ExtendWith(OnlyThroughThisTest.class)
    static class TwoKeys extends RotatorContract {
        @Override
        protected RotatorFixture newFixture() {
            return fixture("two-keys", Bug.NONE);
        }
    }

    @ExtendWith(OnlyThroughThisTest.class)
    static class SingleUser extends RotatorContract {
        @Override
        protected RotatorFixture newFixture() {
            return fixture("single", Bug.NONE);
        }
    }

    @ExtendWith(OnlyThroughThisTest.class)
    static class LeaksInErrors extends RotatorContract {
        @Override
        protected RotatorFixture newFixture() {
            return fixture("two-keys", Bug.LEAKS_IN_ERRORS);
        }
    }

    @ExtendWith(OnlyThroughThisTest.class)
    static class ThrowsIllegalState extends RotatorContract {
        @Override
        protected RotatorFixture newFixture() {
            return fixture("two-keys", Bug.THROWS_ILLEGAL_STATE);
        }
    }

    @ExtendWith(OnlyThroughThisTest.class)
    static class ApplyOnlyOnce extends RotatorContract {
        @Override
        protected RotatorFixture newFixture() {
            return fixture("two-keys", Bug.APPLY_ONLY_ONCE);
        }
    }

    @ExtendWith(OnlyThroughThisTest.class)
    static class DiscardForgets extends RotatorContract {
        @Override
        protected RotatorFixture newFixture() {
            return fixture("single", Bug.DISCARD_FORGETS);
        }
    }

    @ExtendWith(OnlyThroughThisTest.class)
    static class RemembersInMemory extends RotatorContract {
        @Override
        protected RotatorFixture newFixture() {
            return fixture("two-keys", Bug.REMEMBERS_IN_MEMORY);
        }
    }

    @ExtendWith(OnlyThroughThisTest.class)
    static class TestPassesEverything extends RotatorContract {
        @Override
        protected RotatorFixture newFixture() {
            return fixture("two-keys", Bug.TEST_PASSES_EVERYTHING);
        }
    }

    @ExtendWith(OnlyThroughThisTest.class)
    static class AcceptsAnyParams extends RotatorContract {
        @Override
        protected RotatorFixture newFixture() {
            return fixture("two-keys", Bug.ACCEPTS_ANY_PARAMS);
        }
    }

    // --- running through the Launcher ---

    private static final String ENABLED = "dev.coffer.tck.rotation.RotatorContractCatchesBrokenRotatorsTest.run";

    /** Enables the contracts above only in the launcher runs of this test. */
    static final class OnlyThroughThisTest implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(ENABLED).isPresent()
                    ? ConditionEvaluationResult.enabled("run by RotatorContractCatchesBrokenRotatorsTest")
                    : ConditionEvaluationResult.disabled("run only by RotatorContractCatchesBrokenRotatorsTest");
        }
    }

    static final class Result implements TestExecutionListener {
        final List<String> failures = new ArrayList<>();
        int succeeded;
        int aborted;

        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            switch (result.getStatus()) {
                case FAILED -> failures.add(String.valueOf(result.getThrowable().orElseThrow().getMessage()));
                case ABORTED -> aborted++;
                case SUCCESSFUL -> succeeded += test.isTest() ? 1 : 0;
            }
        }
    }

    private static Result run(Class<?> contract) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(contract))
                .configurationParameter(ENABLED, "true").build();
        Result result = new Result();
        LauncherFactory.create().execute(request, result);
        return result;
    }
}
