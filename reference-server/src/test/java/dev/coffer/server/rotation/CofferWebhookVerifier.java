package dev.coffer.server.rotation;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a receiver checks a Coffer webhook call: the Java snippet of docs/rotation.md, compiled and
 * run by the tests (the test webhook server verifies every request with it), so the snippet cannot rot.
 * It depends on nothing but the JDK.
 */
public final class CofferWebhookVerifier {
    private static final long TOLERANCE_SECONDS = 300;
    private final byte[] key;

    /** {@code key}: the bytes of the Coffer secret that {@code signingKeySecret} names. */
    public CofferWebhookVerifier(byte[] key) {
        this.key = key.clone();
    }

    /** Whether {@code header} (Coffer-Signature) signs {@code body} (the raw bytes) within five minutes of {@code now}. */
    public boolean verify(String header, byte[] body, Instant now) throws GeneralSecurityException {
        long t = -1;
        byte[] given = null;
        for (String part : header == null ? new String[0] : header.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length == 2 && kv[0].equals("t") && kv[1].matches("[0-9]{1,12}")) {
                t = Long.parseLong(kv[1]);
            } else if (kv.length == 2 && kv[0].equals("v1") && kv[1].matches("[0-9a-f]{64}")) {
                given = HexFormat.of().parseHex(kv[1]);
            }
        }
        if (t < 0 || given == null || Math.abs(now.getEpochSecond() - t) > TOLERANCE_SECONDS) {
            return false;                                  // unsigned, malformed, or a replay of an old call
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
        byte[] expected = mac.doFinal(body);
        return MessageDigest.isEqual(expected, given);     // constant time
    }
}
