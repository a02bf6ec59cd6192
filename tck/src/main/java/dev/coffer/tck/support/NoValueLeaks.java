package dev.coffer.tck.support;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * JUnit extension that proves no test value leaks: while each test runs it records every
 * {@code java.util.logging} record (all levels, which is where {@code System.Logger} and the
 * SLF4J JDK binding end up) and everything written to {@code System.out} and {@code System.err};
 * afterwards it fails the test if any value issued by {@link TestValues} appears in a log line,
 * the console or a thrown exception's message or stack trace.
 *
 * <p>Its own failures begin with the test's {@link ContractNames#prefix name}, like every TCK
 * failure. Every contract suite is annotated with it. Tests that catch an expected exception pass it
 * to {@link #assertNoValueIn(Throwable)}; {@code Expect.thrown} does that for them.
 */
public final class NoValueLeaks implements BeforeEachCallback, AfterEachCallback, TestExecutionExceptionHandler {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NoValueLeaks.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        Capture capture = new Capture();
        capture.start();
        context.getStore(NS).put(Capture.class, capture);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Capture capture = context.getStore(NS).remove(Capture.class, Capture.class);
        if (capture == null) {
            return;
        }
        capture.stop();
        String leaked = firstIssuedValueIn(capture.text());
        if (leaked != null) {
            throw new AssertionError(ContractNames.prefix(context)
                    + "rule: no test secret value in log or console output; one appeared in the output of "
                    + context.getDisplayName() + " (value starts with " + leaked.substring(0, 14) + "...)");
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        if (firstIssuedValueIn(render(throwable)) != null) {
            AssertionError leak = new AssertionError(ContractNames.prefix(context)
                    + "rule: no test secret value in an exception; one appeared in an exception thrown by "
                    + context.getDisplayName() + "; its type was " + throwable.getClass().getName());
            throw leak; // the original is not attached: it carries the value
        }
        throw throwable;
    }

    /** Fails if {@code thrown} (message, causes, suppressed, stack) contains an issued test value. */
    public static void assertNoValueIn(Throwable thrown) {
        if (firstIssuedValueIn(render(thrown)) != null) {
            throw new AssertionError("a test secret value appeared in the message of " + thrown.getClass().getName());
        }
    }

    /** The first issued value contained in {@code text}, or {@code null}. */
    public static String firstIssuedValueIn(String text) {
        for (String value : TestValues.issued()) {
            if (text.contains(value)) {
                return value;
            }
        }
        return null;
    }

    private static String render(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out + "\n" + t;
    }

    /** Captures JUL records and console output of one test. */
    private static final class Capture {
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final ByteArrayOutputStream console = new ByteArrayOutputStream();
        private final Logger root = Logger.getLogger("");
        private final List<Level> savedLevels = new ArrayList<>();
        private PrintStream savedOut;
        private PrintStream savedErr;
        private final Handler handler = new Handler() {
            private final SimpleFormatter formatter = new SimpleFormatter();

            @Override
            public void publish(LogRecord record) {
                lines.add(formatter.format(record));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };

        void start() {
            handler.setLevel(Level.ALL);
            savedLevels.add(root.getLevel());
            root.setLevel(Level.ALL);
            root.addHandler(handler);
            savedOut = System.out;
            savedErr = System.err;
            System.setOut(new PrintStream(new Tee(savedOut, console), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new Tee(savedErr, console), true, StandardCharsets.UTF_8));
        }

        void stop() {
            System.setOut(savedOut);
            System.setErr(savedErr);
            root.removeHandler(handler);
            root.setLevel(savedLevels.get(0));
        }

        String text() {
            synchronized (console) {
                return String.join("\n", lines) + "\n" + console.toString(StandardCharsets.UTF_8);
            }
        }
    }

    /** Writes to the original stream and to the capture buffer. */
    private static final class Tee extends OutputStream {
        private final OutputStream original;
        private final ByteArrayOutputStream copy;

        Tee(OutputStream original, ByteArrayOutputStream copy) {
            this.original = original;
            this.copy = copy;
        }

        @Override
        public void write(int b) {
            synchronized (copy) {
                copy.write(b);
            }
            try {
                original.write(b);
            } catch (java.io.IOException e) {
                // the console is best effort; the capture is what the check reads
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (copy) {
                copy.write(b, off, len);
            }
            try {
                original.write(b, off, len);
            } catch (java.io.IOException e) {
                // the console is best effort; the capture is what the check reads
            }
        }
    }
}
