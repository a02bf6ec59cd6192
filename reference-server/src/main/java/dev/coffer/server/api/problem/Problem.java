package dev.coffer.server.api.problem;

/**
 * An error response body, {@code application/problem+json}.
 *
 * <pre>{@code
 * {"type":"urn:coffer:error:VERSION_CONFLICT","title":"Version conflict","status":409,
 *  "detail":"alias current of prod/db/password points at 2, expected 1","code":"VERSION_CONFLICT",
 *  "requestId":"5b0c..."}
 * }</pre>
 *
 * @param type {@code urn:coffer:error:<code>}
 * @param title short text for the code
 * @param status HTTP status
 * @param detail what went wrong for this request; names paths and versions, never values
 * @param code the stable code clients match on, e.g. {@code VERSION_CONFLICT}
 * @param requestId the request id (also in the {@code X-Request-Id} header)
 */
public record Problem(String type, String title, int status, String detail, String code, String requestId) {
    /** The problem media type. */
    public static final String MEDIA_TYPE = "application/problem+json";

    /** A problem for {@code code} with HTTP status {@code status}; the request id is filled in on the way out. */
    public static Problem of(int status, String code, String detail) {
        return new Problem("urn:coffer:error:" + code, title(code), status, detail, code, null);
    }

    /** A copy carrying {@code id}. */
    public Problem withRequestId(String id) {
        return new Problem(type, title, status, detail, code, id);
    }

    private static String title(String code) {
        String words = code.replace('_', ' ').toLowerCase(java.util.Locale.ROOT);
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}
