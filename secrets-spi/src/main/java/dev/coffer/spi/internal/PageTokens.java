package dev.coffer.spi.internal;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.SecretsException;
import dev.coffer.spi.model.SecretPath;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The built-in stores' page tokens: base64url of a tag and the position of the last item
 * returned. The tag makes a token of another listing (or any random string) fail loudly instead
 * of paging from a wrong position; the position is a key the next query continues after, so pages
 * stay stable while rows are added.
 *
 * <p>These tokens name a secret in the clear; they pass only between a store and the kernel,
 * which hands callers sealed tokens instead ({@code dev.coffer.spi.kernel.internal.PageTokenSeal}).
 */
public final class PageTokens {
    private static final String SECRETS_TAG = "secrets/1";
    private static final String AUDIT_TAG = "audit/1";

    private PageTokens() {}

    /** The token of a secret listing's next page, which starts after {@code last}. */
    public static String afterSecret(SecretPath last) {
        return encode(SECRETS_TAG, last.qualifiedName());
    }

    /**
     * The environment and path a secret listing's token points after ({@code [environment, path]}).
     *
     * @throws InvalidRequestException {@code INVALID_ARGUMENT} for a token no secret listing issued
     */
    public static String[] secretPosition(String token) {
        String qualified = decode(SECRETS_TAG, token);
        int slash = qualified.indexOf('/');
        if (slash < 0) {
            throw malformed();
        }
        String[] position = {qualified.substring(0, slash), qualified.substring(slash + 1)};
        try {
            SecretPath.requireEnvironment(position[0]);
            SecretPath.requirePath(position[1]);
        } catch (SecretsException e) {
            throw malformed();
        }
        return position;
    }

    /** The token of an audit query's next page, which starts after event {@code lastSeq}. */
    public static String afterAuditEvent(long lastSeq) {
        return encode(AUDIT_TAG, Long.toString(lastSeq));
    }

    /**
     * The sequence number an audit query's token points after.
     *
     * @throws InvalidRequestException {@code INVALID_ARGUMENT} for a token no audit query issued
     */
    public static long auditSeq(String token) {
        try {
            long seq = Long.parseLong(decode(AUDIT_TAG, token));
            if (seq < 1) {
                throw malformed();
            }
            return seq;
        } catch (NumberFormatException e) {
            throw malformed();
        }
    }

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

    /** The error for a token that was not issued for this listing; never echoes the token. */
    public static InvalidRequestException malformed() {
        return new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "pageToken was not issued for this listing: it is"
                + " malformed or altered, belongs to another filter or caller, or was issued by another server instance"
                + " or before a restart; list again from the first page");
    }
}
