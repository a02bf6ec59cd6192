package dev.coffer.spi.model;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The one type that holds plaintext. Everything else in Coffer (metadata, versions, audit
 * events) is a sanitized view that cannot carry a value.
 *
 * <ul>
 *   <li>{@link #toString()} is redacted, so logging a value by accident prints nothing secret;</li>
 *   <li>{@link #close()} overwrites the bytes; any later access fails;</li>
 *   <li>{@link #equals(Object)} compares in constant time; {@link #hashCode()} reveals nothing;</li>
 *   <li>at most {@value #MAX_BYTES} bytes.</li>
 * </ul>
 *
 * <pre>{@code
 * try (SecretValue value = SecretValue.ofUtf8("s3cr3t")) {
 *     manager.addVersion(ctx, secretId, NewVersion.current(value));
 * }
 * }</pre>
 */
public final class SecretValue implements AutoCloseable {
    /** The largest value accepted: 64 KiB. */
    public static final int MAX_BYTES = 64 * 1024;

    private final byte[] bytes;
    private volatile boolean closed;

    private SecretValue(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            Arrays.fill(bytes, (byte) 0);
            throw new InvalidRequestException(ErrorCode.VALUE_TOO_LARGE,
                    "value is " + bytes.length + " bytes; at most " + MAX_BYTES + " bytes are allowed");
        }
        this.bytes = bytes;
    }

    /** A value holding a copy of {@code bytes}; the caller may wipe its array afterwards. */
    public static SecretValue of(byte[] bytes) {
        if (bytes == null) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "value must not be null");
        }
        return new SecretValue(bytes.clone());
    }

    /**
     * A value that takes ownership of {@code bytes} without copying; the array is wiped on
     * {@link #close()}. For decryption paths that already own a fresh array.
     */
    public static SecretValue wrap(byte[] bytes) {
        if (bytes == null) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "value must not be null");
        }
        return new SecretValue(bytes);
    }

    /**
     * A value holding the UTF-8 encoding of {@code text}.
     *
     * @throws InvalidRequestException if {@code text} holds a lone UTF-16 surrogate, which has no
     *     UTF-8 encoding (the JDK's lenient encoder would store {@code ?} in its place)
     */
    public static SecretValue ofUtf8(String text) {
        if (text == null) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "value must not be null");
        }
        return new SecretValue(strictUtf8(CharBuffer.wrap(text)));
    }

    /**
     * A value holding the UTF-8 encoding of {@code chars}; the caller may wipe its array afterwards.
     *
     * @throws InvalidRequestException if {@code chars} hold a lone UTF-16 surrogate
     */
    public static SecretValue ofUtf8(char[] chars) {
        if (chars == null) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "value must not be null");
        }
        return new SecretValue(strictUtf8(CharBuffer.wrap(chars)));
    }

    // Refuses what cannot be encoded instead of replacing it, and wipes the encoder's buffer.
    private static byte[] strictUtf8(CharBuffer chars) {
        ByteBuffer encoded;
        try {
            encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(chars);
        } catch (CharacterCodingException e) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT,
                    "value holds a lone UTF-16 surrogate, which has no UTF-8 encoding; send the bytes as valueBase64 instead");
        }
        byte[] out = new byte[encoded.remaining()];
        encoded.get(out);
        Arrays.fill(encoded.array(), (byte) 0);
        return out;
    }

    /** A copy of the bytes. The caller owns the copy and should wipe it when done. */
    public byte[] bytes() {
        checkOpen();
        return bytes.clone();
    }

    /**
     * The value as UTF-8 text. Strings cannot be wiped, so prefer {@link #bytes()} where the
     * consumer accepts bytes.
     *
     * @throws InvalidRequestException if the bytes are not valid UTF-8
     */
    public String asUtf8() {
        checkOpen();
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            // The cause would carry nothing secret, but keep the chain short and clean anyway.
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "value is not valid UTF-8 text");
        }
    }

    /** The length in bytes. */
    public int length() {
        checkOpen();
        return bytes.length;
    }

    /** Whether {@link #close()} has wiped this value. */
    public boolean isClosed() {
        return closed;
    }

    /** Overwrites the bytes with zeros. Idempotent. */
    @Override
    public void close() {
        closed = true;
        Arrays.fill(bytes, (byte) 0);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("SecretValue was closed and its bytes wiped");
        }
    }

    /** Constant-time comparison of the bytes (length may still be observable). */
    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof SecretValue that)) {
            return false;
        }
        checkOpen();
        that.checkOpen();
        return MessageDigest.isEqual(bytes, that.bytes);
    }

    /** A constant: a content hash would let an observer test guesses against it. */
    @Override
    public int hashCode() {
        return 0x5ec7e7;
    }

    @Override
    public String toString() {
        return "SecretValue[redacted]";
    }
}
