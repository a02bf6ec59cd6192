package dev.coffer.spi.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Address literals only: nothing that would need a lookup, nothing ambiguous. */
class IpLiteralsTest {

    @ParameterizedTest
    @CsvSource({
        "10.0.0.5, 10.0.0.5",
        "255.255.255.255, 255.255.255.255",
        "0.0.0.0, 0.0.0.0",
        "::1, 0:0:0:0:0:0:0:1",
        "2001:DB8::1, 2001:db8:0:0:0:0:0:1",
        "::ffff:10.0.0.5, 10.0.0.5",
    })
    void literalsAreRead(String text, String address) {
        assertEquals(address, IpLiterals.parse(text).orElseThrow().getHostAddress());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "garbage", "unknown", "beef", "cafe", "localhost", "10.0.0.5:4431", "[10.0.0.5]",
        "[::1]", "10.0.0.5 ", " 10.0.0.5", "127.1", "010.0.0.1", "256.0.0.1", "10.0.0", "10.0.0.5.6", "1:2", "fe80::1%eth0",
        "::1/128", "10.0.0.5,10.0.0.6", "0x7f.0.0.1"})
    void anythingElseIsRefusedWithoutALookup(String text) {
        assertTrue(IpLiterals.parse(text).isEmpty(), text);
    }
}
