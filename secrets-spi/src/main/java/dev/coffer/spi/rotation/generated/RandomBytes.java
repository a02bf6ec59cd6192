package dev.coffer.spi.rotation.generated;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A generated value of random bytes, as text in an encoding: {@code bytes} random bytes written in
 * {@code base64} (with padding), {@code base64url} (without padding, as tokens are) or lower-case {@code hex}.
 *
 * <pre>{@code
 * char[] key = RandomBytes.of(32, RandomBytes.Encoding.HEX).generate(new SecureRandom()); // 64 hex digits
 * }</pre>
 *
 * @param bytes how many random bytes, {@value #MIN_BYTES} to {@value #MAX_BYTES}
 * @param encoding how they are written
 */
public record RandomBytes(int bytes, Encoding encoding) {
    /** The fewest bytes: 128 bits. */
    public static final int MIN_BYTES = 16;
    /** The most bytes. */
    public static final int MAX_BYTES = 4096;

    /** How the bytes are written. */
    public enum Encoding {
        /** RFC 4648 base64 with padding. */
        BASE64,
        /** RFC 4648 base64url without padding. */
        BASE64URL,
        /** Lower-case hexadecimal. */
        HEX;

        /** The name used in params. */
        public String paramName() {
            return name().toLowerCase(Locale.ROOT);
        }

        String encode(byte[] raw) {
            return switch (this) {
                case BASE64 -> Base64.getEncoder().encodeToString(raw);
                case BASE64URL -> Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
                case HEX -> HexFormat.of().formatHex(raw);
            };
        }

        byte[] decode(String text) {
            return switch (this) {
                case BASE64 -> Base64.getDecoder().decode(text);
                case BASE64URL -> Base64.getUrlDecoder().decode(text);
                case HEX -> HexFormat.of().parseHex(text);
            };
        }
    }

    public RandomBytes {
        if (bytes < MIN_BYTES || bytes > MAX_BYTES) {
            throw new IllegalArgumentException("bytes must be between " + MIN_BYTES + " and " + MAX_BYTES + ", got " + bytes);
        }
        Objects.requireNonNull(encoding, "encoding");
    }

    /** {@code new RandomBytes(bytes, encoding)}. */
    public static RandomBytes of(int bytes, Encoding encoding) {
        return new RandomBytes(bytes, encoding);
    }

    /** New random bytes, encoded; the caller owns (and wipes) the array. */
    public char[] generate(SecureRandom random) {
        byte[] raw = new byte[bytes];
        random.nextBytes(raw);
        try {
            return encoding.encode(raw).toCharArray();
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** Why {@code text} is not {@link #bytes} bytes in {@link #encoding}, or empty; never quotes the text. */
    public Optional<String> violation(String text) {
        byte[] raw;
        try {
            raw = encoding.decode(text);
        } catch (IllegalArgumentException notEncoded) {
            return Optional.of("it is not " + encoding.paramName() + " text");
        }
        try {
            if (raw.length != bytes) {
                return Optional.of("it holds " + raw.length + " bytes, the policy wants " + bytes);
            }
            // only the exact form generate() writes: no other padding, case or line breaks
            if (!encoding.encode(raw).equals(text)) {
                return Optional.of("it is not written the way " + encoding.paramName() + " is generated");
            }
            return Optional.empty();
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }
}
