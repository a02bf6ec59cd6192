package dev.coffer.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.coffer.spi.crypto.Envelope;
import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.crypto.ValueBinding;
import dev.coffer.spi.error.SecretsException;
import dev.coffer.spi.memory.InMemoryTenantKeyStore;
import dev.coffer.spi.memory.JdkEnvelope;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoValueLeaks.class)
class MeteredEnvelopeTest {
    private static final SecretPath PATH = new SecretPath("default", "prod", "db/password");

    @Test
    void aValueThatDoesNotOpenUnderItsBindingCountsAsAnIntegrityFailureOfOpen() {
        try (Metrics metrics = new Metrics()) {
            Envelope envelope = new MeteredEnvelope(new JdkEnvelope(new InMemoryTenantKeyStore()), metrics);
            String value = TestValues.text();
            SealedValue sealed = envelope.seal(SecretValue.ofUtf8(value), new ValueBinding(PATH, 1));
            SecretsException moved = assertThrows(SecretsException.class, () -> envelope.open(sealed, new ValueBinding(PATH, 2)));
            NoValueLeaks.assertNoValueIn(moved);
            try (SecretValue opened = envelope.open(sealed, new ValueBinding(PATH, 1))) {
                assertEquals(value, opened.asUtf8());
            }

            String text = metrics.prometheusText();
            Scrape scrape = Scrape.parse(text);
            assertEquals(1.0, scrape.value("coffer_envelope_failures_total", Map.of("code", "INTEGRITY_FAILURE", "operation", "open")));
            assertEquals(0.0, scrape.value("coffer_envelope_failures_total", Map.of("code", "KEY_UNAVAILABLE", "operation", "open")));
            assertEquals(2.0, scrape.value("coffer_decrypt_seconds_count", Map.of()), "failed opens are timed too");
            assertFalse(text.contains(value) || text.contains("db/password"), text);
        }
    }
}
