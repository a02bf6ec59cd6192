package dev.coffer.jdbi.testing;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class only where the password-checking cluster of {@link ScramPostgres} answers;
 * skipped with a printed reason otherwise — unless {@code CI=true}, where that fails the build.
 */
public final class UseScramPostgres implements ExecutionCondition {
    private static final AtomicBoolean TOLD = new AtomicBoolean();
    private static volatile String unreachable;
    private static volatile boolean probed;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (!probed) {
            unreachable = ScramPostgres.unreachableBecause();
            probed = true;
        }
        if (unreachable == null) {
            return ConditionEvaluationResult.enabled("the SCRAM PostgreSQL cluster answers at " + ScramPostgres.ADDRESS);
        }
        String reason = "the SCRAM PostgreSQL cluster at " + ScramPostgres.ADDRESS + " is unusable (" + unreachable + ")";
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(reason + "; with CI=true the rotation tests must run (.ci/run starts it)");
        }
        if (TOLD.compareAndSet(false, true)) {
            System.out.println("[secrets-jdbi] skipping the password-checking PostgreSQL tests: " + reason
                    + ". Run .ci/pg-scram-cluster as root to start it; with CI=true this is a failure.");
        }
        return ConditionEvaluationResult.disabled(reason);
    }
}
