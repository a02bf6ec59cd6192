package com.example.redisstore;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.SecretsException;
import dev.coffer.spi.model.SecretPath;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A secret's place in the listing order, as the member of the tenant's listing sorted set and as
 * the page token that continues after it.
 *
 * <p>The member is {@code environment + '\0' + path} in UTF-8. Redis orders members of equal
 * score by their bytes ({@code ZRANGEBYLEX}); the SPI orders by environment, then path, in UTF-16
 * code units. The two agree here: {@code '\0'} sorts below every character an environment or a
 * path may hold, so a shorter environment comes before every longer one it is a prefix of
 * ({@code prod} before {@code prod-eu}) and the path decides only within one environment; and
 * {@link SecretPath} allows only ASCII in both ({@code [a-z0-9-]}, {@code [A-Za-z0-9._/-]}), where
 * UTF-8 byte order and UTF-16 code-unit order are the same (they part only for supplementary
 * characters against {@code U+E000..U+FFFF}, which no valid path holds).
 *
 * <p>A page token is {@code "rl1."} and the base64url of the member: at most 4 + 768 = 772 characters
 * for the longest environment (63) and path (512), within the 1024 the SPI asks for. Anything else
 * (another tag, bad base64, bytes that are not UTF-8, no separator, an invalid environment or
 * path) is refused as a token this store did not issue. The kernel seals tokens before a caller
 * sees them, so naming the position in the clear is fine.
 */
record ListingPosition(String environment, String path) {
    private static final String TAG = "rl1.";
    private static final char SEPARATOR = '\0';
    private static final int MAX_TOKEN = 1024;

    static ListingPosition of(SecretPath path) {
        return new ListingPosition(path.environment(), path.path());
    }

    /** The listing member, as Redis stores and compares it. */
    byte[] member() {
        return RedisKeyspace.bytes(environment + SEPARATOR + path);
    }

    static ListingPosition ofMember(byte[] member) {
        String text = RedisKeyspace.text(member);
        int separator = text.indexOf(SEPARATOR);
        return new ListingPosition(text.substring(0, separator), text.substring(separator + 1));
    }

    /** The first byte string of environment {@code environment} whose path starts with {@code pathPrefix}. */
    static byte[] start(String environment, String pathPrefix) {
        return RedisKeyspace.bytes(environment + SEPARATOR + (pathPrefix == null ? "" : pathPrefix));
    }

    /**
     * A byte string above every member of {@code environment} whose path starts with
     * {@code pathPrefix}, and below the next one: UTF-8 never holds byte {@code 0xFF}.
     */
    static byte[] end(String environment, String pathPrefix) {
        byte[] start = start(environment, pathPrefix);
        byte[] end = java.util.Arrays.copyOf(start, start.length + 1);
        end[start.length] = (byte) 0xFF;
        return end;
    }

    String token() {
        return TAG + Base64.getUrlEncoder().withoutPadding().encodeToString(member());
    }

    /**
     * The position a token of this store continues after.
     *
     * @throws InvalidRequestException {@code INVALID_ARGUMENT} for any token this store did not issue
     */
    static ListingPosition ofToken(String token) {
        if (token == null || token.length() > MAX_TOKEN || !token.startsWith(TAG)) {
            throw notIssued();
        }
        String text;
        try {
            byte[] member = Base64.getUrlDecoder().decode(token.substring(TAG.length()));
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(member)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw notIssued();
        }
        int separator = text.indexOf(SEPARATOR);
        if (separator < 0) {
            throw notIssued();
        }
        ListingPosition position = new ListingPosition(text.substring(0, separator), text.substring(separator + 1));
        try {
            SecretPath.requireEnvironment(position.environment());
            SecretPath.requirePath(position.path());
        } catch (SecretsException e) {
            throw notIssued();
        }
        return position;
    }

    private static InvalidRequestException notIssued() {
        // Never echoes the token: it is whatever a caller sent.
        return new InvalidRequestException(ErrorCode.INVALID_ARGUMENT,
                "pageToken was not issued by this store's listSecrets; list again from the first page");
    }
}
