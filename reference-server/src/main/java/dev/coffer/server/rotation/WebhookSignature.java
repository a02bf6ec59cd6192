package dev.coffer.server.rotation;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs a webhook body: HMAC-SHA256, keyed with the bytes of the signing-key secret, over
 * {@code <unix seconds> "." <body bytes>}, sent as {@code Coffer-Signature: t=<unix seconds>,v1=<hex>}.
 * Binding the timestamp into the MAC lets a receiver refuse a replayed request (older than five
 * minutes) that it could otherwise not tell from a fresh one.
 *
 * <pre>{@code
 * String header = WebhookSignature.header(key, Instant.now().getEpochSecond(), body);
 * // t=1767225600,v1=5f2b...
 * }</pre>
 */
public final class WebhookSignature {
    /** The header that carries the signature. */
    public static final String HEADER = "Coffer-Signature";
    /** The fewest key bytes accepted: HMAC-SHA256's block-size guidance and RFC 2104's "at least L" (32). */
    public static final int MIN_KEY_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";

    private WebhookSignature() {}

    /**
     * The hex HMAC-SHA256 of {@code timestamp + "." + body} under {@code key}.
     *
     * @throws IllegalArgumentException if {@code key} is shorter than {@value #MIN_KEY_BYTES} bytes
     */
    public static String sign(byte[] key, long timestamp, byte[] body) {
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the signing key has " + key.length + " bytes; at least "
                    + MIN_KEY_BYTES + " are required");
        }
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + ALGORITHM, e);
        }
    }

    /** The value of {@link #HEADER}: {@code t=<timestamp>,v1=<hex>}. */
    public static String header(byte[] key, long timestamp, byte[] body) {
        return "t=" + timestamp + ",v1=" + sign(key, timestamp, body);
    }
}
