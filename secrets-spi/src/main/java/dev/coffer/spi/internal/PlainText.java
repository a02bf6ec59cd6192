package dev.coffer.spi.internal;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;

/**
 * The one rule for free-text fields (descriptions, label values, policy clusters, reasons,
 * tickets, filters), so that every store keeps and returns them alike (not API): no control
 * characters (U+0000–U+001F, U+007F–U+009F, so also no tab or newline), no lone UTF-16
 * surrogates and no Unicode noncharacters (U+FDD0–U+FDEF and the last two code points of every
 * plane). PostgreSQL refuses NUL outright, a lone surrogate has no UTF-8 encoding (a store would
 * write {@code ?} instead), and control characters let a field forge lines in logs and terminals.
 *
 * <pre>{@code
 * PlainText.require("description", "Stripe live key"); // returned unchanged
 * PlainText.require("description", "a\u0000b");        // InvalidRequestException, INVALID_ARGUMENT
 * }</pre>
 */
public final class PlainText {
    /** The rule as error messages state it. */
    public static final String RULE = "text fields take no control characters (U+0000-U+001F, U+007F-U+009F),"
            + " lone surrogates or noncharacters";

    private PlainText() {}

    /**
     * Returns {@code text} (or {@code null}) if it keeps the rule.
     *
     * @throws InvalidRequestException with {@link ErrorCode#INVALID_ARGUMENT} naming the field, what
     *     broke the rule and where (never the text itself)
     */
    public static String require(String field, String text) {
        if (text == null) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String broken = null;
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                if (isNoncharacter(Character.toCodePoint(c, text.charAt(i + 1)))) {
                    broken = "a noncharacter";
                }
                if (broken == null) {
                    i++;
                    continue;
                }
            } else if (Character.isSurrogate(c)) {
                broken = "a lone surrogate";
            } else if (Character.isISOControl(c)) {
                broken = "a control character";
            } else if (isNoncharacter(c)) {
                broken = "a noncharacter";
            }
            if (broken != null) {
                throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT,
                        field + " has " + broken + " at position " + (i + 1) + "; " + RULE);
            }
        }
        return text;
    }

    /** The index of the first UTF-16 surrogate in {@code text} that lacks its pair, or -1 when there is none. */
    public static int loneSurrogateAt(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isNoncharacter(int codePoint) {
        return (codePoint >= 0xFDD0 && codePoint <= 0xFDEF) || (codePoint & 0xFFFE) == 0xFFFE;
    }
}
