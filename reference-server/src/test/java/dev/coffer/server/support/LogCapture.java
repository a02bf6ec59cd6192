package dev.coffer.server.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Records every {@code java.util.logging} record (where Jetty's and Jersey's logs end up) while it
 * is open, formatted as an operator would see them, stack traces included.
 *
 * <pre>{@code
 * try (LogCapture log = LogCapture.start()) {
 *     ... requests ...
 *     assertTrue(log.text().length() < 4_000);
 * }
 * }</pre>
 */
public final class LogCapture implements AutoCloseable {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Logger root = Logger.getLogger("");
    private final Level savedLevel;
    private final Handler handler = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            records.add(record);
            lines.add(formatter.format(record));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    private LogCapture() {
        savedLevel = root.getLevel();
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
    }

    /** Starts recording. */
    public static LogCapture start() {
        return new LogCapture();
    }

    /** Everything recorded so far, one formatted record after the other. */
    public String text() {
        return String.join("", lines);
    }

    /** The records so far. */
    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** Records at {@code level} or above. */
    public long countAtLeast(Level level) {
        return records.stream().filter(r -> r.getLevel().intValue() >= level.intValue()).count();
    }

    @Override
    public void close() {
        root.removeHandler(handler);
        root.setLevel(savedLevel);
    }
}
