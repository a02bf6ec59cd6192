package dev.coffer.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BoundedTagValuesTest {
    @Test
    void theFirstValuesAreThemselvesAndLaterOnesOther() {
        BoundedTagValues values = new BoundedTagValues(2);
        assertEquals("prod", values.of("prod"));
        assertEquals("dev", values.of("dev"));
        assertEquals(BoundedTagValues.OTHER, values.of("staging"));
        assertEquals("prod", values.of("prod"), "admitted values stay");
        assertEquals(BoundedTagValues.NONE, values.of(null));
        assertEquals(BoundedTagValues.NONE, values.of(""));
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BoundedTagValues(0));
    }
}
