package dev.coffer.spi.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SecretValueTest {
    @Test
    void toStringIsRedacted() {
        SecretValue value = SecretValue.ofUtf8("hunter2-value");
        assertFalse(value.toString().contains("hunter2"));
        SecretContent content = new SecretContent(SecretPath.parse("t", "prod/a"), 1, value, null);
        assertFalse(content.toString().contains("hunter2"), "records that hold a value print it redacted");
    }

    @Test
    void closeWipesAndRefusesAccess() {
        byte[] owned = "wipe-me".getBytes(StandardCharsets.UTF_8);
        SecretValue value = SecretValue.wrap(owned);
        value.close();
        assertTrue(value.isClosed());
        assertArrayEquals(new byte[owned.length], owned, "the owned array is zeroed");
        assertThrows(IllegalStateException.class, value::bytes);
        assertThrows(IllegalStateException.class, value::asUtf8);
    }

    @Test
    void ofCopiesSoTheCallerMayWipeItsArray() {
        byte[] input = {1, 2, 3};
        SecretValue value = SecretValue.of(input);
        input[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, value.bytes());
        byte[] out = value.bytes();
        out[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, value.bytes(), "bytes() returns a copy");
    }

    @Test
    void equalsComparesContentAndHashCodeRevealsNothing() {
        assertEquals(SecretValue.ofUtf8("same"), SecretValue.ofUtf8("same"));
        assertNotEquals(SecretValue.ofUtf8("same"), SecretValue.ofUtf8("other"));
        assertEquals(SecretValue.ofUtf8("a").hashCode(), SecretValue.ofUtf8("completely different").hashCode());
    }

    @Test
    void acceptsExactly64KiBAndRejectsOneByteMore() {
        assertEquals(SecretValue.MAX_BYTES, SecretValue.of(new byte[SecretValue.MAX_BYTES]).length());
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> SecretValue.of(new byte[SecretValue.MAX_BYTES + 1]));
        assertEquals(ErrorCode.VALUE_TOO_LARGE, e.code());
    }

    @Test
    void utf8RoundTripsAndRejectsMalformedBytes() {
        assertEquals("grüße", SecretValue.ofUtf8("grüße".toCharArray()).asUtf8());
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> SecretValue.of(new byte[] {(byte) 0xff}).asUtf8());
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    }
}
