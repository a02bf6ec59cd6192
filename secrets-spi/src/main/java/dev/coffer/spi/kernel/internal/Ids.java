package dev.coffer.spi.kernel.internal;

import java.security.SecureRandom;

/** Random identifiers: a prefix and 128 random bits in lowercase RFC 4648 base32, unpadded. */
public final class Ids {
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    /** A secret id, {@code sec_} + 26 base32 characters. */
    public static String secretId() {
        return "sec_" + random128();
    }

    /** A break-glass grant id, {@code bg_} + 26 base32 characters. */
    public static String grantId() {
        return "bg_" + random128();
    }

    /** A rotation run id, {@code rot_} + 26 base32 characters. */
    public static String runId() {
        return "rot_" + random128();
    }

    /** A random suffix for an instance id (26 base32 characters). */
    public static String instanceSuffix() {
        return random128();
    }

    private static String random128() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        StringBuilder out = new StringBuilder(26);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(ALPHABET[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(ALPHABET[(buffer << (5 - bits)) & 31]);
        }
        return out.toString();
    }
}
