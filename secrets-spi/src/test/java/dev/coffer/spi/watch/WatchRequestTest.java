package dev.coffer.spi.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.SecretPath;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** What a watch request accepts and covers, and what a batch may hold. */
class WatchRequestTest {
    private static final Instant AT = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void anEmptyPrefixMeansEveryPathAndAbsentAfterMeansTheHead() {
        WatchRequest request = new WatchRequest(null, "", null);
        assertNull(request.prefix());
        assertEquals(OptionalLong.empty(), request.after());
        assertEquals(OptionalLong.of(5), request.resumingAfter(5).after());
        assertEquals(OptionalLong.of(0), request.resumingAfter(0).after());
    }

    @Test
    void badEnvironmentPrefixAndPositionAreRefusedPrecisely() {
        assertThrows(InvalidRequestException.class, () -> WatchRequest.of("Prod env", null));
        InvalidRequestException longPrefix = assertThrows(InvalidRequestException.class,
                () -> WatchRequest.of("prod", "a".repeat(SecretPath.MAX_PATH_LENGTH + 1)));
        assertEquals(ErrorCode.INVALID_ARGUMENT, longPrefix.code());
        InvalidRequestException control = assertThrows(InvalidRequestException.class, () -> WatchRequest.of("prod", "a\u0000b"));
        assertEquals(ErrorCode.INVALID_ARGUMENT, control.code());
        InvalidRequestException negative = assertThrows(InvalidRequestException.class,
                () -> WatchRequest.of("prod", null).resumingAfter(-1));
        assertEquals(ErrorCode.INVALID_ARGUMENT, negative.code());
        WatchRequest.of("prod", "a".repeat(SecretPath.MAX_PATH_LENGTH)); // the longest prefix is fine
    }

    @Test
    void coversItsEnvironmentAndPrefixAndEveryAccessChange() {
        WatchRequest request = WatchRequest.of("prod", "payments/");
        assertTrue(request.covers(change("prod", "payments/db")));
        assertFalse(request.covers(change("staging", "payments/db")));
        assertFalse(request.covers(change("prod", "billing/db")));
        assertFalse(request.covers(change("prod", "payments")), "a prefix is text: 'payments' does not start with 'payments/'");
        assertTrue(request.covers(new SecretChange(1, ChangeKind.ACCESS_CHANGED, null, null, null, null, AT)));
        assertTrue(WatchRequest.of(null, null).covers(change("any", "thing")));
    }

    @Test
    void aBatchIsOrderedBeforeItsCursorAndAResetCarriesNoChanges() {
        SecretChange third = new SecretChange(3, ChangeKind.VERSION_ADDED, "prod", "a", 1, null, AT);
        assertEquals(5, new ChangeBatch(List.of(third), 5, false).cursor());
        assertThrows(IllegalArgumentException.class, () -> new ChangeBatch(List.of(third), 2, false));
        assertThrows(IllegalArgumentException.class, () -> new ChangeBatch(List.of(), -1, false));
        assertThrows(IllegalArgumentException.class, () -> new ChangeBatch(List.of(third), 5, true));
        ChangeBatch reset = ChangeBatch.resetTo(9);
        assertTrue(reset.reset());
        assertTrue(reset.changes().isEmpty());
        assertEquals(9, reset.cursor());
    }

    private static SecretChange change(String environment, String path) {
        return new SecretChange(1, ChangeKind.VERSION_ADDED, environment, path, 1, null, AT);
    }
}
