package dev.coffer.jdbi.testing;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class against a PostgreSQL database of its own (shared by every class of the run,
 * emptied before each test by the factories). When 127.0.0.1:5432 does not answer, the tests are
 * skipped with a printed reason — unless {@code CI=true}, where that fails the build.
 */
public final class UsePostgres implements ExecutionCondition, BeforeAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(UsePostgres.class);
    private static final AtomicBoolean TOLD = new AtomicBoolean();
    private static volatile String unreachable;
    private static volatile boolean probed;
    private static volatile TestDatabase shared;

    /** The run's PostgreSQL test database. */
    public static TestDatabase database() {
        if (shared == null) {
            throw new IllegalStateException("no PostgreSQL test database; annotate the class with @ExtendWith(UsePostgres.class)");
        }
        return shared;
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (!probed) {
            unreachable = PostgresServer.unreachableBecause();
            probed = true;
        }
        if (unreachable == null) {
            return ConditionEvaluationResult.enabled("PostgreSQL answers at " + PostgresServer.ADDRESS);
        }
        String reason = "PostgreSQL at " + PostgresServer.ADDRESS + " is unreachable (" + unreachable + ")";
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(reason + "; with CI=true the PostgreSQL tests must run");
        }
        if (TOLD.compareAndSet(false, true)) {
            System.out.println("[secrets-jdbi] skipping the PostgreSQL tests: " + reason
                    + ". Start PostgreSQL to run them; with CI=true this is a failure.");
        }
        return ConditionEvaluationResult.disabled(reason);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        shared = context.getRoot().getStore(NS).getOrComputeIfAbsent(TestDatabase.class, k -> TestDatabase.postgres(),
                TestDatabase.class);
    }
}
