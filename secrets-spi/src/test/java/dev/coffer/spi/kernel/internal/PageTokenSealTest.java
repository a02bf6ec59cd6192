package dev.coffer.spi.kernel.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PageTokenSealTest {
    private static final String INNER = "c2VjcmV0cy8xOnByb2QvcGF5bWVudHMvc3RyaXBlLWFwaS1rZXk"; // a store token naming a secret
    private static final String BINDING = "secrets|4:acme|10:user:alice|4:prod|-";
    private static final byte[] KEY = IntStream.range(0, 32).collect(() -> new byte[32], (b, i) -> b[i] = (byte) i, (a, b) -> { });

    private final PageTokenSeal seal = new PageTokenSeal(KEY);
    private final String token = seal.seal(INNER, BINDING);

    @Test
    void opensToTheStoreTokenForTheSameListing() {
        assertEquals(INNER, seal.open(token, BINDING));
        assertEquals(INNER, new PageTokenSeal(KEY.clone()).open(token, BINDING), "another kernel with the same key");
    }

    @Test
    void namesNothingAndDiffersEachTime() {
        byte[] decoded = Base64.getUrlDecoder().decode(token);
        String bytes = new String(decoded, StandardCharsets.ISO_8859_1);
        assertFalse(bytes.contains(INNER) || bytes.contains("prod") || bytes.contains("payments"));
        assertNotEquals(token, seal.seal(INNER, BINDING));
    }

    static IntStream everyByte() {
        return IntStream.range(0, 1 + 12 + INNER.length() + 16);
    }

    @ParameterizedTest(name = "byte {0} flipped")
    @MethodSource("everyByte")
    void anyAlteredByteIsRefused(int index) {
        byte[] decoded = Base64.getUrlDecoder().decode(token);
        decoded[index] ^= 0x01;
        assertRefused(Base64.getUrlEncoder().withoutPadding().encodeToString(decoded), BINDING);
    }

    @ParameterizedTest(name = "bound to {0}")
    @ValueSource(strings = {"secrets|4:acme|10:user:alice|4:prod|1:a", "secrets|4:acme|8:user:bob|4:prod|-",
        "secrets|5:other|10:user:alice|4:prod|-", "audit|4:acme|10:user:alice|4:prod|-", ""})
    void anotherListingIsRefused(String binding) {
        assertRefused(token, binding);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"not-a-token", "AQ", "%%%", INNER})
    void malformedTokensAreRefused(String bad) {
        assertRefused(bad, BINDING);
    }

    @Test
    void anotherKeyIsRefused() {
        assertRefused(token, BINDING, new PageTokenSeal(PageTokenSeal.randomKey()));
    }

    @Test
    void keysAreThirtyTwoBytes() {
        assertThrows(IllegalArgumentException.class, () -> new PageTokenSeal(new byte[16]));
    }

    private void assertRefused(String bad, String binding) {
        assertRefused(bad, binding, seal);
    }

    private static void assertRefused(String bad, String binding, PageTokenSeal by) {
        InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> by.open(bad, binding));
        assertEquals(ErrorCode.INVALID_ARGUMENT, refused.code());
        assertFalse(refused.getMessage().contains(bad), "the message echoes the token");
    }
}
