package dev.coffer.jdbi.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class against an H2 file database of its own (shared by every class of the run,
 * emptied before each test by the factories, deleted at the end).
 */
public final class UseH2 implements BeforeAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(UseH2.class);
    private static volatile TestDatabase shared;

    /** The run's H2 test database. */
    public static TestDatabase database() {
        if (shared == null) {
            throw new IllegalStateException("no H2 test database; annotate the class with @ExtendWith(UseH2.class)");
        }
        return shared;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        shared = context.getRoot().getStore(NS).getOrComputeIfAbsent(TestDatabase.class, k -> TestDatabase.h2(),
                TestDatabase.class);
    }
}
