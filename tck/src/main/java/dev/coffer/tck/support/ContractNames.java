package dev.coffer.tck.support;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.MultipleFailuresError;

/**
 * JUnit extension that names the contract in every TCK failure. An {@link AssertionError} thrown
 * by a test, or by its {@code @BeforeEach}/{@code @AfterEach}/{@code @BeforeAll}/{@code @AfterAll}
 * methods, is rethrown with its message prefixed by the contract, the nested group and the test
 * method, e.g.
 *
 * <pre>
 * [SecretStoreContract › Versions › transitionOutOfDestroyedIsRefused] rule: transitionVersion ...
 * </pre>
 *
 * <p>The contract is the TCK class that registers this extension ({@code SecretStoreContract},
 * {@code SecretManagerContract}, {@code AuditLogContract}, ...), not the vendor's subclass that
 * runs it, nor a class of the vendor's that holds that subclass as a {@code @Nested} one; the
 * groups are the simple names of the contract's {@code @Nested} classes, outermost first; the
 * method is the Java method name (a parameterized test's invocations share it). A test method the
 * vendor declares in its own subclass is named after that subclass instead of the contract.
 *
 * <p>The renamed error keeps everything else of the original: its type where that is
 * {@link AssertionFailedError} (with the same expected and actual values, so IDE diffs still
 * work) or {@link MultipleFailuresError} (with the same failures), its cause, suppressed
 * exceptions and stack trace. A message that already carries the prefix is left alone, so the
 * prefix never appears twice; anything that is not an {@code AssertionError} (a vendor's
 * exception, an aborted assumption) passes through unchanged. The prefix is built only from class
 * and method names, never from a value.
 */
public final class ContractNames implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
    /** Between the parts of a name: contract, groups, method. */
    public static final String SEPARATOR = " › ";

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw named(context, throwable);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw named(context, throwable);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw named(context, throwable);
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw named(context, throwable);
    }

    @Override
    public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw named(context, throwable);
    }

    /**
     * The name of the test (or class) {@code context} runs, e.g.
     * {@code SecretStoreContract › Versions › transitionOutOfDestroyedIsRefused}.
     */
    public static String name(ExtensionContext context) {
        List<Class<?>> classes = new ArrayList<>(); // outermost first
        Optional<ExtensionContext> level = Optional.of(context);
        while (level.isPresent()) {
            ExtensionContext c = level.get();
            if (c.getTestMethod().isEmpty() && c.getTestClass().isPresent()) {
                classes.add(0, c.getTestClass().get());
            }
            level = c.getParent();
        }
        Optional<Method> method = context.getTestMethod();
        if (classes.isEmpty()) {
            // not reached from a Jupiter class or method context; name what there is
            return context.getTestClass().map(Class::getSimpleName).orElse(context.getDisplayName())
                    + method.map(m -> SEPARATOR + m.getName()).orElse("");
        }
        // The contract is the outermost class that is one (a vendor may nest contracts in a class of its own,
        // which is then left out); without one, the outermost class stands for it.
        int head = 0;
        Class<?> contract = null;
        for (int i = 0; i < classes.size() && contract == null; i++) {
            contract = contractOf(classes.get(i));
            head = i;
        }
        if (contract == null) {
            head = 0;
            contract = classes.get(0);
        }
        boolean vendorsOwnMethod = head == classes.size() - 1 && method.isPresent()
                && !method.get().getDeclaringClass().isAssignableFrom(contract);
        StringBuilder name = new StringBuilder((vendorsOwnMethod ? classes.get(head) : contract).getSimpleName());
        for (int i = head + 1; i < classes.size(); i++) {
            name.append(SEPARATOR).append(classes.get(i).getSimpleName());
        }
        method.ifPresent(m -> name.append(SEPARATOR).append(m.getName()));
        return name.toString();
    }

    /** {@code "[" + name(context) + "] "}: what every failure message of that test begins with. */
    public static String prefix(ExtensionContext context) {
        return "[" + name(context) + "] ";
    }

    /**
     * {@code thrown} with its message prefixed by {@link #prefix(ExtensionContext)} if it is an
     * {@link AssertionError} whose message does not already begin with it; otherwise {@code thrown}
     * itself.
     */
    public static Throwable named(ExtensionContext context, Throwable thrown) {
        if (!(thrown instanceof AssertionError error)) {
            return thrown;
        }
        String prefix = prefix(context);
        String message = error.getMessage();
        if (message != null && (message.startsWith(prefix) || message.equals(prefix.strip()))) {
            return thrown;
        }
        AssertionError renamed = renamed(error, prefix, message);
        renamed.setStackTrace(error.getStackTrace());
        for (Throwable suppressed : error.getSuppressed()) {
            renamed.addSuppressed(suppressed);
        }
        return renamed;
    }

    private static AssertionError renamed(AssertionError error, String prefix, String message) {
        if (error instanceof MultipleFailuresError multiple) {
            return new MultipleFailuresError(prefix + heading(multiple), multiple.getFailures());
        }
        String named = message == null ? prefix.strip() : prefix + message;
        if (error instanceof AssertionFailedError failed) {
            if (failed.isExpectedDefined() || failed.isActualDefined()) {
                // the ValueWrappers are passed on as they are: same values, same string forms
                return new AssertionFailedError(named, failed.getExpected(), failed.getActual(), failed.getCause());
            }
            return new AssertionFailedError(named, failed.getCause());
        }
        return new AssertionError(named, error.getCause());
    }

    /** The heading of {@code error}: its message without the failure count and the failures' lines. */
    private static String heading(MultipleFailuresError error) {
        String message = error.getMessage();
        int count = error.getFailures().size();
        if (count == 0) {
            return message;
        }
        int end = message.indexOf(" (" + count + " failure");
        return end < 0 ? message : message.substring(0, end);
    }

    /** The class in {@code testClass}'s hierarchy that registers this extension, or {@code null}. */
    private static Class<?> contractOf(Class<?> testClass) {
        for (Class<?> c = testClass; c != null && c != Object.class; c = c.getSuperclass()) {
            for (ExtendWith registration : c.getDeclaredAnnotationsByType(ExtendWith.class)) {
                if (Arrays.asList(registration.value()).contains(ContractNames.class)) {
                    return c;
                }
            }
        }
        return null;
    }
}
