package dev.coffer.spi.access;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.internal.PlainText;
import java.util.Objects;
import java.util.UUID;

/**
 * One request's facts: who calls and from where, plus the caller's stated reason and ticket.
 * Every audit event records them.
 *
 * <pre>{@code
 * AccessContext ctx = AccessContext.of(principal)
 *         .withSourceIp("10.1.2.3")
 *         .withReason("rotate after incident")
 *         .withTicket("https://tickets.example/INC-42");
 * }</pre>
 *
 * @param principal the caller
 * @param sourceIp the caller's address, or {@code null} when unknown
 * @param requestId correlates logs and audit; generated when not given
 * @param reason why the caller acts, or {@code null}
 * @param ticket change or incident ticket, or {@code null}
 */
public record AccessContext(Principal principal, String sourceIp, String requestId, String reason, String ticket) {
    private static final int MAX_TEXT = 512;

    public AccessContext {
        Objects.requireNonNull(principal, "principal");
        requestId = requestId == null || requestId.isBlank() ? UUID.randomUUID().toString() : requestId;
        check("requestId", requestId, 128);
        check("sourceIp", sourceIp, 64);
        check("reason", reason, MAX_TEXT);
        check("ticket", ticket, MAX_TEXT);
    }

    /** A context for {@code principal} with a fresh request id. */
    public static AccessContext of(Principal principal) {
        return new AccessContext(principal, null, null, null, null);
    }

    public AccessContext withSourceIp(String ip) {
        return new AccessContext(principal, ip, requestId, reason, ticket);
    }

    public AccessContext withRequestId(String id) {
        return new AccessContext(principal, sourceIp, id, reason, ticket);
    }

    public AccessContext withReason(String text) {
        return new AccessContext(principal, sourceIp, requestId, text, ticket);
    }

    public AccessContext withTicket(String text) {
        return new AccessContext(principal, sourceIp, requestId, reason, text);
    }

    /** The tenant the caller acts in. */
    public String tenant() {
        return principal.tenant();
    }

    private static void check(String field, String value, int max) {
        if (value == null) {
            return;
        }
        if (value.length() > max) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, field + " is longer than " + max + " characters");
        }
        PlainText.require(field, value);
    }
}
