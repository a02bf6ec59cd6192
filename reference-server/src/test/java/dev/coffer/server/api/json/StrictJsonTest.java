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

/** The size limit holds for bodies without a declared length too (chunked transfer). */
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
}
