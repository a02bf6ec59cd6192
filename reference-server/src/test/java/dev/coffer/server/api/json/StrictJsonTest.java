package dev.coffer.server.api.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.coffer.server.api.dto.MoveAliasRequest;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The size limit holds for bodies without a declared length too (chunked transfer); the shape limits hold exactly at their bounds. */
class StrictJsonTest {

    @Test
    void undeclaredBodyOverTheLimitIsRefusedAfterTheLimitIsRead() {
        InputStream endless = new InputStream() {
            private long served;

            @Override
            public int read() {
                served++;
                if (served > 10L * StrictJson.MAX_BODY_BYTES) {
                    throw new AssertionError("read far past the limit");
                }
                return 'x';
            }
        };
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> StrictJson.read(endless, -1, MoveAliasRequest.class));
        assertEquals(ErrorCode.VALUE_TOO_LARGE, e.code());
    }

    @Test
    void aBodyWithinTheLimitBinds() throws Exception {
        MoveAliasRequest request = StrictJson.read(new ByteArrayInputStream(
                "{\"version\":2,\"expectedPreviousVersion\":null}".getBytes(StandardCharsets.UTF_8)), -1, MoveAliasRequest.class);
        assertEquals(2, request.target());
        assertEquals(java.util.OptionalInt.empty(), request.expected());
    }

    @Test
    void integersBindUpToTheirTypesBoundsAndNoFurther() throws Exception {
        assertEquals(Integer.MAX_VALUE, read("{\"version\":2147483647}").target());
        assertEquals(Integer.MIN_VALUE, read("{\"version\":-2147483648}").target());
        for (String tooLarge : new String[] {"2147483648", "-2147483649", "18446744073709551617"}) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> read("{\"version\":" + tooLarge + "}"));
            assertEquals("field 'version' must be an integer from -2147483648 to 2147483647", e.getMessage());
        }
    }

    @Test
    void numbersAreLimitedTo64Characters() throws Exception {
        String sixtyFour = "7e" + "0".repeat(62);
        assertEquals(7, read("{\"version\":" + sixtyFour + "}").target());
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> read("{\"version\":" + sixtyFour + "0}"));
        assertEquals("field 'version' holds a number of more than 64 characters", e.getMessage());
    }

    @Test
    void nestingIsLimitedTo32Levels() {
        // The root object is level 1; 31 arrays fit below it, a 32nd does not.
        String fits = "{\"version\":" + "[".repeat(31) + "]".repeat(31) + "}";
        InvalidRequestException typed = assertThrows(InvalidRequestException.class, () -> read(fits));
        assertEquals("field 'version' must be an integer", typed.getMessage());
        String deeper = "{\"version\":" + "[".repeat(32) + "]".repeat(32) + "}";
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> read(deeper));
        assertEquals("field 'version" + "[0]".repeat(31) + "' nests objects and arrays deeper than 32 levels", e.getMessage());
    }

    private static MoveAliasRequest read(String json) throws Exception {
        return StrictJson.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), -1, MoveAliasRequest.class);
    }
}
