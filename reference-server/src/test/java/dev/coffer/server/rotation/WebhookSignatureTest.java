package dev.coffer.server.rotation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The signature scheme against an independent vector (Python's hmac) and the documented verifier against tamper cases. */
class WebhookSignatureTest {
    private static final byte[] KEY = "coffer-webhook-test-key-0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BODY = "{\"step\":\"test\",\"runId\":\"rot_abc\"}".getBytes(StandardCharsets.UTF_8);
    private static final long T = 1767225600L;
    /** python3 -c "import hmac,hashlib; print(hmac.new(KEY, b'1767225600.' + BODY, hashlib.sha256).hexdigest())" */
    private static final String VECTOR = "b5a2ef518f3f16c7bc33d110243800bd470265548d099d8edddfd0a6bff7b92f";

    @Test
    void theSignatureIsHmacSha256OfTheTimestampADotAndTheBody() {
        assertEquals("t=" + T + ",v1=" + VECTOR, WebhookSignature.header(KEY, T, BODY));
    }

    @Test
    void aKeyShorterThan32BytesIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> WebhookSignature.sign(new byte[31], T, BODY));
    }

    @Test
    void theDocumentedVerifierAcceptsASignatureWithinFiveMinutes() throws Exception {
        CofferWebhookVerifier verifier = new CofferWebhookVerifier(KEY);
        String header = WebhookSignature.header(KEY, T, BODY);
        assertTrue(verifier.verify(header, BODY, Instant.ofEpochSecond(T)));
        assertTrue(verifier.verify(header, BODY, Instant.ofEpochSecond(T + 299)));
        assertTrue(verifier.verify(header, BODY, Instant.ofEpochSecond(T - 299)), "a receiver's clock may be behind");
    }

    static List<Arguments> tampered() {
        byte[] otherBody = "{\"step\":\"test\",\"runId\":\"rot_abd\"}".getBytes(StandardCharsets.UTF_8);
        byte[] otherKey = "coffer-webhook-test-key-0123456789abcdeF".getBytes(StandardCharsets.US_ASCII);
        String good = "t=" + T + ",v1=" + VECTOR;
        return List.of(
                Arguments.of("another body", good, otherBody, KEY, T),
                Arguments.of("another key", good, BODY, otherKey, T),
                Arguments.of("six minutes later (a replay)", good, BODY, KEY, T + 360),
                Arguments.of("six minutes earlier", good, BODY, KEY, T - 360),
                Arguments.of("another timestamp in the header", "t=" + (T + 1) + ",v1=" + VECTOR, BODY, KEY, T),
                Arguments.of("a flipped signature bit", "t=" + T + ",v1=c" + VECTOR.substring(1), BODY, KEY, T),
                Arguments.of("no v1", "t=" + T, BODY, KEY, T),
                Arguments.of("no t", "v1=" + VECTOR, BODY, KEY, T),
                Arguments.of("an upper-case signature", "t=" + T + ",v1=" + VECTOR.toUpperCase(), BODY, KEY, T),
                Arguments.of("no header", null, BODY, KEY, T),
                Arguments.of("garbage", "v1=,t=,=,,", BODY, KEY, T));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tampered")
    void theDocumentedVerifierRefuses(String what, String header, byte[] body, byte[] key, long now) throws Exception {
        assertFalse(new CofferWebhookVerifier(key).verify(header, body, Instant.ofEpochSecond(now)), what);
    }
}
