package dev.coffer.tck;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedMethod;

import dev.coffer.spi.access.BreakGlassGrant;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.memory.InMemoryAuditLog;
import dev.coffer.spi.memory.InMemoryPolicyStore;
import dev.coffer.spi.memory.InMemorySecretStore;
import dev.coffer.spi.memory.InMemoryTenantKeyStore;
import dev.coffer.spi.memory.JdkEnvelope;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.PolicyStore;
import dev.coffer.spi.store.SecretStore;
import dev.coffer.tck.support.ContractNames;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.MultipleFailuresError;

/**
 * {@link ContractNames}: runs deliberately failing contracts through the JUnit Platform Launcher,
 * as Surefire would, and checks that every failure begins with
 * {@code [Contract › Group › method]}, that nothing else of the failure changes, and that no value
 * is added. The contracts run here are static nested classes, which Surefire's default excludes
 * leave out; if a pattern selects them anyway ({@code -Dtest='ContractNames*'}) they are skipped
 * there: {@link OnlyThroughThisTest} enables them only in this test's own launcher runs.
 */
class ContractNamesTest {

    @Test
    void aStoreGroupFailureNamesTheContractTheGroupAndTheMethod() {
        String method = "everyTransitionPairOutsideTheAllowedFourIsRefusedAndChangesNothing";

        Failure failure = single(run(selectNestedMethod(List.of(StoreAcceptingTransitionsOutOfDestroyed.class),
                SecretStoreContract.Versions.class, method)));

        String prefix = "[SecretStoreContract › Versions › " + method + "] ";
        assertTrue(failure.message().startsWith(prefix + "rule: transitionVersion refuses DESTROYED -> ENABLED"),
                () -> "the failure should begin with " + prefix + "and the rule, but said: " + failure.message());
        assertEquals(1, occurrences(failure.message(), "SecretStoreContract ›"), () -> "prefixed once: " + failure.message());
        assertOwnStackTrace(failure.thrown(), "SecretStoreVersionTests", method);
    }

    @Test
    void aFailureOfAContractWithoutGroupsNamesTheContractAndTheMethodAndKeepsExpectedAndActual() {
        Failure failure = single(run(selectMethod(PolicyStoreListingInInsertionOrder.class, "listIsSortedByName")));

        assertTrue(failure.message().startsWith("[PolicyStoreContract › listIsSortedByName] "),
                () -> "the failure should begin with [PolicyStoreContract › listIsSortedByName], but said: "
                        + failure.message());
        AssertionFailedError assertion = assertInstanceOf(AssertionFailedError.class, failure.thrown(),
                "an assertEquals failure stays an AssertionFailedError");
        assertTrue(assertion.isExpectedDefined() && assertion.isActualDefined(), "expected and actual are kept");
        assertEquals(List.of("alpha", "beta", "mid", "zeta"), assertion.getExpected().getEphemeralValue());
        assertEquals(List.of("zeta", "alpha", "mid", "beta"), assertion.getActual().getEphemeralValue());
        assertOwnStackTrace(failure.thrown(), "PolicyStoreContract", "listIsSortedByName");
    }

    @Test
    void aContractNestedInAVendorsOwnClassIsNamedWithoutThatClass() {
        Failure failure = single(run(selectNestedMethod(List.of(VendorSuite.class), VendorSuite.Policies.class,
                "listIsSortedByName")));

        assertTrue(failure.message().startsWith("[PolicyStoreContract › listIsSortedByName] "),
                () -> "the failure should begin with [PolicyStoreContract › listIsSortedByName], but said: "
                        + failure.message());
    }

    @Test
    void everyFailureOfAManagerGroupNamesSecretManagerContractTheGroupAndItsMethod() {
        List<Failure> failures = run(selectNestedClass(List.of(ManagerOverStoreHidingPendingDeletion.class),
                SecretManagerContract.Listing.class));

        assertFalse(failures.isEmpty(), "a store that lists no secret pending deletion fails the Listing group");
        for (Failure failure : failures) {
            String prefix = "[SecretManagerContract › Listing › " + failure.method() + "] ";
            assertTrue(failure.message().startsWith(prefix),
                    () -> "the failure should begin with " + prefix + "but said: " + failure.message());
        }
    }

    @Test
    void anAssertionErrorGetsThePrefixAndKeepsItsCauseAndStackTrace() {
        Failure failure = single(run(selectMethod(Sample.class, "plainAssertionError")));

        assertEquals("[SampleContract › plainAssertionError] rule: a plain assertion error", failure.message());
        assertSame(AssertionError.class, failure.thrown().getClass(), "an AssertionError stays one");
        assertEquals("the cause", failure.thrown().getCause().getMessage(), "the cause is kept");
        assertOwnStackTrace(failure.thrown(), "SampleContract", "plainAssertionError");
    }

    @Test
    void anAssertionErrorWithoutMessageGetsThePrefixAlone() {
        Failure failure = single(run(selectMethod(Sample.class, "assertionErrorWithoutMessage")));

        assertEquals("[SampleContract › assertionErrorWithoutMessage]", failure.message());
    }

    @Test
    void aMessageThatAlreadyCarriesThePrefixIsNotPrefixedAgain() {
        Failure failure = single(run(selectMethod(Sample.class, "alreadyNamed")));

        assertEquals("[SampleContract › alreadyNamed] rule: named by the test itself", failure.message());
    }

    @Test
    void anExceptionThatIsNoAssertionPassesThroughUnchanged() {
        Failure failure = single(run(selectMethod(Sample.class, "notAnAssertion")));

        assertSame(IllegalStateException.class, failure.thrown().getClass());
        assertEquals("the store is down", failure.message());
        assertNull(failure.thrown().getCause());
    }

    @Test
    void anAbortedAssumptionStaysAborted() {
        Recorder recorder = execute(selectMethod(Sample.class, "aborted"));

        assertTrue(recorder.failures.isEmpty(), () -> "no failure: " + recorder.failures);
        assertEquals(1, recorder.aborted, "the test is aborted (skipped), not failed");
    }

    @Test
    void aGroupFailureNamesTheNestedGroup() {
        Failure failure = single(run(selectNestedMethod(List.of(Sample.class), SampleContract.Group.class, "fails")));

        assertEquals("[SampleContract › Group › fails] rule: inside a group", failure.message());
    }

    @Test
    void aTestTheVendorDeclaresInItsOwnSubclassIsNamedAfterThatSubclass() {
        Failure failure = single(run(selectMethod(Sample.class, "vendorsOwnTest")));

        assertEquals("[Sample › vendorsOwnTest] rule: the vendor's own", failure.message());
    }

    @Test
    void aFailingAfterEachMethodIsNamedToo() {
        Failure failure = single(run(selectMethod(SampleFailingAfterEach.class, "passes")));

        assertEquals("[SampleFailingAfterEach › passes] rule: closing the fixture", failure.message());
    }

    @Test
    void multipleFailuresKeepTheirFailuresAndGetThePrefixOnTheirHeading() {
        Failure failure = single(run(selectMethod(Sample.class, "multiple")));

        MultipleFailuresError multiple = assertInstanceOf(MultipleFailuresError.class, failure.thrown());
        assertTrue(failure.message().startsWith("[SampleContract › multiple] rule: both hold (2 failures)"),
                () -> "said: " + failure.message());
        assertEquals(2, multiple.getFailures().size());
        assertEquals("one", multiple.getFailures().get(0).getMessage());
    }

    @Test
    void aValueInAFailureIsReplacedByTheLeakRuleWhichIsNamedTooWhicheverHandlerRunsFirst() {
        for (Class<?> sample : List.of(Sample.class, SampleRegisteringNamesFirst.class)) {
            Failure failure = single(run(selectMethod(sample, "leaksAValue")));

            String contract = sample == Sample.class ? "SampleContract" : "SampleRegisteringNamesFirst";
            assertTrue(failure.message().startsWith("[" + contract + " › leaksAValue] rule: no test secret value in an exception"),
                    () -> sample.getSimpleName() + " said: " + failure.message());
            assertNull(NoValueLeaks.firstIssuedValueIn(render(failure.thrown())),
                    () -> sample.getSimpleName() + ": a test value is in the failure");
        }
    }

    // --- deliberately failing contracts, run only through run(...) ---

    /** The store contract over a store that answers a transition out of DESTROYED as done. */
    @ExtendWith(OnlyThroughThisTest.class)
    static class StoreAcceptingTransitionsOutOfDestroyed extends SecretStoreContract {
        @Override
        protected SecretStore newStore() {
            return new ContractCatchesBrokenStoresTest.AcceptsTransitionsOutOfDestroyed(new InMemorySecretStore());
        }
    }

    /** The policy store contract over a store that lists policies in the order they were put. */
    @ExtendWith(OnlyThroughThisTest.class)
    static class PolicyStoreListingInInsertionOrder extends PolicyStoreContract {
        @Override
        protected PolicyStore newPolicyStore() {
            return new InsertionOrderPolicies();
        }
    }

    /** A vendor's class holding its contract runs as nested classes, as secrets-jdbi's H2ContractTest does. */
    @ExtendWith(OnlyThroughThisTest.class)
    static class VendorSuite {
        @Nested
        class Policies extends PolicyStoreContract {
            @Override
            protected PolicyStore newPolicyStore() {
                return new InsertionOrderPolicies();
            }
        }
    }

    /** The manager contract over the kernel and a store that lists no secret pending deletion. */
    @ExtendWith(OnlyThroughThisTest.class)
    static class ManagerOverStoreHidingPendingDeletion extends SecretManagerContract {
        @Override
        protected ManagerFixture createFixture() {
            return KernelFixture.over(new ContractCatchesBrokenStoresTest.HidesPendingDeletion(new InMemorySecretStore()),
                    new JdkEnvelope(new InMemoryTenantKeyStore()), new InMemoryAuditLog(), new InMemoryPolicyStore());
        }
    }

    /** A contract in the shape of the TCK's: registered by the abstract class, run by a subclass. */
    @ExtendWith({OnlyThroughThisTest.class, NoValueLeaks.class, ContractNames.class})
    abstract static class SampleContract {
        @Test
        void plainAssertionError() {
            throw new AssertionError("rule: a plain assertion error", new IllegalStateException("the cause"));
        }

        @Test
        void assertionErrorWithoutMessage() {
            throw new AssertionError();
        }

        @Test
        void alreadyNamed() {
            throw new AssertionError("[SampleContract › alreadyNamed] rule: named by the test itself");
        }

        @Test
        void notAnAssertion() {
            throw new IllegalStateException("the store is down");
        }

        @Test
        void aborted() {
            Assumptions.abort("this sample has no such capability");
        }

        @Test
        void multiple() {
            assertAll("rule: both hold", () -> fail("one"), () -> fail("two"));
        }

        @Test
        void leaksAValue() {
            assertEquals(TestValues.text(), "another text", "rule: the value round-trips");
        }

        @Nested
        class Group {
            @Test
            void fails() {
                fail("rule: inside a group");
            }
        }
    }

    static class Sample extends SampleContract {
        @Test
        void vendorsOwnTest() {
            fail("rule: the vendor's own");
        }
    }

    /** Registers the names before the leak check, so that the exception handlers run the other way round. */
    @ExtendWith({OnlyThroughThisTest.class, ContractNames.class, NoValueLeaks.class})
    static class SampleRegisteringNamesFirst {
        @Test
        void leaksAValue() {
            assertEquals(TestValues.text(), "another text", "rule: the value round-trips");
        }
    }

    @ExtendWith({OnlyThroughThisTest.class, ContractNames.class})
    static class SampleFailingAfterEach {
        @Test
        void passes() {}

        @org.junit.jupiter.api.AfterEach
        void close() {
            fail("rule: closing the fixture");
        }
    }

    /** A policy store that keeps policies in insertion order and lists them so. */
    static final class InsertionOrderPolicies implements PolicyStore {
        private final InMemoryPolicyStore delegate = new InMemoryPolicyStore();
        private final Map<String, List<String>> order = new ConcurrentHashMap<>();

        @Override
        public dev.coffer.spi.store.AuditOutbox auditOutbox() {
            return delegate.auditOutbox();
        }

        @Override
        public Policy put(String tenant, Policy policy, BeforeCommit<Policy> hook) {
            Policy put = delegate.put(tenant, policy, hook);
            List<String> names = order.computeIfAbsent(tenant, t -> new ArrayList<>());
            if (!names.contains(policy.name())) {
                names.add(policy.name());
            }
            return put;
        }

        @Override
        public Optional<Policy> get(String tenant, String name) {
            return delegate.get(tenant, name);
        }

        @Override
        public List<Policy> list(String tenant) {
            List<String> names = order.getOrDefault(tenant, List.of());
            return delegate.list(tenant).stream().sorted(Comparator.comparingInt(p -> names.indexOf(p.name()))).toList();
        }

        @Override
        public void delete(String tenant, String name, BeforeCommit<Policy> hook) {
            delegate.delete(tenant, name, hook);
            order.getOrDefault(tenant, new ArrayList<>()).remove(name);
        }

        @Override
        public BreakGlassGrant addGrant(BreakGlassGrant grant, BeforeCommit<BreakGlassGrant> hook) {
            return delegate.addGrant(grant, hook);
        }

        @Override
        public List<BreakGlassGrant> activeGrants(String tenant, String principalId, Instant now) {
            return delegate.activeGrants(tenant, principalId, now);
        }
    }

    // --- running through the Launcher ---

    private static final String ENABLED = "dev.coffer.tck.ContractNamesTest.run";

    /** Enables the failing contracts above only in the launcher runs of this test. */
    static final class OnlyThroughThisTest implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(ENABLED).isPresent()
                    ? ConditionEvaluationResult.enabled("run by ContractNamesTest")
                    : ConditionEvaluationResult.disabled("fails on purpose; run only by ContractNamesTest");
        }
    }

    record Failure(TestIdentifier test, Throwable thrown) {
        String message() {
            return String.valueOf(thrown.getMessage());
        }

        String method() {
            return test.getSource().filter(MethodSource.class::isInstance).map(s -> ((MethodSource) s).getMethodName())
                    .orElse("?");
        }
    }

    static final class Recorder implements TestExecutionListener {
        final List<Failure> failures = new ArrayList<>();
        int succeeded;
        int aborted;

        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            switch (result.getStatus()) {
                case FAILED -> failures.add(new Failure(test, result.getThrowable().orElseThrow()));
                case ABORTED -> aborted++;
                case SUCCESSFUL -> succeeded += test.isTest() ? 1 : 0;
            }
        }
    }

    private static Recorder execute(DiscoverySelector selector) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selector)
                .configurationParameter(ENABLED, "true").build();
        Launcher launcher = LauncherFactory.create();
        Recorder recorder = new Recorder();
        launcher.execute(request, recorder);
        return recorder;
    }

    private static List<Failure> run(DiscoverySelector selector) {
        return execute(selector).failures;
    }

    private static Failure single(List<Failure> failures) {
        assertEquals(1, failures.size(), () -> "exactly one failure expected, got " + failures);
        return failures.get(0);
    }

    private static void assertOwnStackTrace(Throwable thrown, String className, String method) {
        assertTrue(List.of(thrown.getStackTrace()).stream()
                        .anyMatch(f -> f.getClassName().endsWith(className) && f.getMethodName().equals(method)),
                () -> "the stack trace should still lead to " + className + "." + method);
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            count++;
        }
        return count;
    }

    private static String render(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
