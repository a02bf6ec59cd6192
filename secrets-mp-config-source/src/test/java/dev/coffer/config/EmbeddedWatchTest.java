package dev.coffer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.config.settings.Settings;
import dev.coffer.config.support.Embedded;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.model.SecretRef;
import dev.coffer.tck.support.Await;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The ConfigSource on the embedded kernel's change stream (real in-memory kernel and audit log):
 * with a TTL of an hour, only the stream explains that a rotation or a revocation is seen.
 */
@ExtendWith(NoValueLeaks.class)
class EmbeddedWatchTest {
    private final Embedded coffer = new Embedded();
    private CofferConfigSource source;

    @AfterEach
    void close() {
        if (source != null) {
            source.close();
        }
    }

    private void start() {
        source = new CofferConfigSource(Settings.builder().url(Settings.EMBEDDED)
                .ttl(Duration.ofHours(1)).jitter(Duration.ZERO).maxStale(Duration.ofHours(1))
                .startupTimeout(Duration.ofSeconds(5)).map("db", "prod/payments/db").map("first", "prod/payments/db@1")
                .build(), coffer);
    }

    @Test
    void aRotationIsServedWithinTheTtlAndARevocationStopsServingAtOnce() {
        String first = TestValues.text();
        String second = TestValues.text();
        String id = coffer.create("prod/payments/db", first);
        start();
        assertEquals(first, source.getValue("db"));
        Await.until("the stream is open (its first refresh done)", () -> source.stats().refreshes() >= 2);

        coffer.rotate(id, second);
        Await.until("the rotation is served", () -> second.equals(source.getValue("db")));
        assertTrue(source.stats().changeEvents() >= 1);
        assertEquals(first, source.getValue("first"));

        coffer.real().disable(coffer.admin, SecretRef.id(id), 1);
        Await.until("the disabled version stops being served", () -> Await.throwsNow(() -> source.getValue("first")));
        assertEquals(ErrorCode.VERSION_DISABLED, assertThrows(CofferConfigException.class, () -> source.getValue("first")).code());
        assertEquals(second, source.getValue("db"));

        coffer.real().scheduleDeletion(coffer.admin, SecretRef.id(id));
        Await.until("the deleted secret stops being served", () -> Await.throwsNow(() -> source.getValue("db")));
        assertEquals(0, source.stats().streamReconnects());
    }
}
