package dev.coffer.spi.internal;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque page tokens: base64url of a tag and the position of the last item returned. The tag
 * makes a token of another listing (or any random string) fail loudly instead of paging from a
 * wrong position; the position is a key the next query continues after, so pages stay stable
 * while rows are added.
 */
public final class PageTokens {
    private PageTokens() {}

    /** A token for the page after {@code position}. */
    public static String encode(String tag, String position) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((tag + ":" + position).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The position inside a token issued with {@code tag}.
     *
     * @throws InvalidRequestException {@code INVALID_ARGUMENT} for anything else
     */
    public static String decode(String tag, String token) {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw malformed();
        }
        if (!text.startsWith(tag + ":")) {
            throw malformed();
        }
        return text.substring(tag.length() + 1);
    }

    /** The error for a token this store did not issue; never echoes the token. */
    public static InvalidRequestException malformed() {
        return new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "pageToken is malformed or was not issued by this listing");
    }
}
