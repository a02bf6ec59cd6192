package dev.coffer.spi.access;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.SecretPath;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A policy resource: {@code <environment>/<path>} where a segment may be {@code +} (exactly one
 * segment) and the last segment may be {@code *} (one or more segments). {@code *} alone matches
 * every secret of the tenant.
 *
 * <pre>{@code
 * ResourcePattern.parse("prod/payments/*").matches(path);   // prod/payments/a, prod/payments/a/b
 * ResourcePattern.parse("+/payments/db").matches(path);     // dev/payments/db, prod/payments/db
 * }</pre>
 */
public final class ResourcePattern {
    private static final int MAX_MEMO = 10_000;
    private static final java.util.Map<String, ResourcePattern> PARSED = new java.util.concurrent.ConcurrentHashMap<>();
    private static final String ANY_TAIL = "*";
    private static final String ONE = "+";
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");

    private final String text;
    private final String[] segments;

    private ResourcePattern(String text, String[] segments) {
        this.text = text;
        this.segments = segments;
    }

    /**
     * Parses and validates a pattern.
     *
     * @throws InvalidRequestException with {@link ErrorCode#INVALID_POLICY} naming the rule broken
     */
    public static ResourcePattern parse(String text) {
        // Policies are evaluated on every call; parse each distinct pattern once. Bounded: a
        // flood of distinct strings only clears the memo, it never grows without limit.
        ResourcePattern known = text == null ? null : PARSED.get(text);
        if (known != null) {
            return known;
        }
        ResourcePattern parsed = parseUncached(text);
        if (PARSED.size() >= MAX_MEMO) {
            PARSED.clear();
        }
        PARSED.put(text, parsed);
        return parsed;
    }

    private static ResourcePattern parseUncached(String text) {
        if (text == null || text.isEmpty() || text.length() > 600) {
            throw invalid("resource pattern must be 1 to 600 characters");
        }
        String[] segments = text.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            if (s.equals(ANY_TAIL)) {
                if (i != segments.length - 1) {
                    throw invalid("resource pattern segment " + (i + 1) + ": '*' may only be the last segment");
                }
            } else if (!s.equals(ONE) && (!SEGMENT.matcher(s).matches() || s.equals(".") || s.equals(".."))) {
                throw invalid("resource pattern segment " + (i + 1) + " must be '+', a final '*' or match [A-Za-z0-9._-]+ (not '.' or '..')");
            }
        }
        return new ResourcePattern(text, segments);
    }

    /** The pattern that matches exactly one secret path. */
    public static ResourcePattern exact(SecretPath path) {
        return new ResourcePattern(path.qualifiedName(), path.segments());
    }

    /** Whether the secret at {@code path} is matched. */
    public boolean matches(SecretPath path) {
        return covers(exact(path));
    }

    /** Whether every path {@code other} matches is also matched by this pattern. */
    public boolean covers(ResourcePattern other) {
        String[] a = segments;
        String[] b = other.segments;
        for (int i = 0; i < a.length; i++) {
            if (a[i].equals(ANY_TAIL)) {
                return b.length > i; // one or more segments remain on the other side
            }
            if (i >= b.length || b[i].equals(ANY_TAIL)) {
                return false; // other goes on where we stop, or matches more than we do
            }
            if (a[i].equals(ONE)) {
                continue; // covers a literal or a '+'
            }
            if (!a[i].equals(b[i])) {
                return false;
            }
        }
        return a.length == b.length;
    }

    /** Whether some path is matched by both patterns. */
    public boolean overlaps(ResourcePattern other) {
        String[] a = segments;
        String[] b = other.segments;
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            if (i >= a.length || i >= b.length) {
                return false;
            }
            if (a[i].equals(ANY_TAIL) || b[i].equals(ANY_TAIL)) {
                return true; // the tail absorbs whatever non-empty remainder the other has
            }
            if (!a[i].equals(ONE) && !b[i].equals(ONE) && !a[i].equals(b[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResourcePattern p && Arrays.equals(segments, p.segments);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(segments);
    }

    @Override
    public String toString() {
        return text;
    }

    private static InvalidRequestException invalid(String message) {
        return new InvalidRequestException(ErrorCode.INVALID_POLICY, message);
    }
}
