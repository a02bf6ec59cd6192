package dev.coffer.spi.model;

/**
 * Which page of a listing to return.
 *
 * @param pageToken token from the previous page, or {@code null} for the first page
 * @param limit at most this many items, 1 to {@value #MAX_LIMIT}
 */
public record PageRequest(String pageToken, int limit) {
    /** The largest page size. */
    public static final int MAX_LIMIT = 1000;
    /** The default page size. */
    public static final int DEFAULT_LIMIT = 100;
    /**
     * The longest page token. A store's own tokens (which only the kernel sees) should stay
     * within half of it: the kernel's sealed tokens wrap them with about 40 characters and base64.
     */
    public static final int MAX_TOKEN_LENGTH = 2048;

    public PageRequest {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw Fields.invalid("page size must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        if (pageToken != null && (pageToken.isEmpty() || pageToken.length() > MAX_TOKEN_LENGTH)) {
            throw Fields.invalid("pageToken is malformed");
        }
    }

    /** The first page with the default size. */
    public static PageRequest first() {
        return new PageRequest(null, DEFAULT_LIMIT);
    }

    /** The first page of {@code limit} items. */
    public static PageRequest first(int limit) {
        return new PageRequest(null, limit);
    }

    /** The page after {@code token}, same size. */
    public PageRequest next(String token) {
        return new PageRequest(token, limit);
    }
}
