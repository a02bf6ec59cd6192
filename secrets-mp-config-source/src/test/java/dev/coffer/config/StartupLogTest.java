package dev.coffer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.config.settings.Settings;
import dev.coffer.config.support.Embedded;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The line a source logs when it starts: transport, principal and where the settings came from, once. */
@ExtendWith(NoValueLeaks.class)
class StartupLogTest {
    private static final Logger LOG = Logger.getLogger("dev.coffer.config");
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.INFO.intValue()) {
                lines.add(record.getMessage());
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private final Embedded coffer = new Embedded();

    @BeforeEach
    void capture() {
        LOG.addHandler(handler);
    }

    @AfterEach
    void release() {
        LOG.removeHandler(handler);
    }

    @Test
    void anEmbeddedSourceLogsItsPrincipalAndTheOriginOfItsSettingsOnce() {
        String value = TestValues.text();
        coffer.create("prod/startup/log", value);
        // A mapping of its own makes these settings distinct from every other test's.
        Settings settings = Settings.builder().url(Settings.EMBEDDED).map("startup.log", "prod/startup/log")
                .ttl(Duration.ofMinutes(5)).build();
        new CofferConfigSource(settings, coffer).getValue("startup.log");
        new CofferConfigSource(settings, coffer).getValue("startup.log");
        List<String> reports = lines.stream().filter(l -> l.startsWith("Coffer ConfigSource reads")).toList();
        assertEquals(1, reports.size(), "logged once for equal settings: " + lines);
        String line = reports.get(0);
        assertTrue(line.contains("1 mapped property") && line.contains("embedded SecretManager of " + Embedded.class.getName())
                && line.contains("settings given in code") && line.contains("principal 'service:app' in tenant 'acme'"), line);
        assertTrue(!line.contains(value));
    }
}
