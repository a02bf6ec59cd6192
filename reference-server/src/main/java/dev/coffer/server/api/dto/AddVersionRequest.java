package dev.coffer.server.api.dto;

import dev.coffer.server.internal.Instants;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.VersionStatus;
import java.time.Instant;
import java.util.Base64;

/**
 * {@code POST /v1/secrets/{id}/versions}: exactly one of {@code value} (UTF-8 text) and
 * {@code valueBase64} (any bytes).
 *
 * @param value the value as text
 * @param valueBase64 the value as standard base64
 * @param status {@code PENDING} or {@code CURRENT}; {@code CURRENT} when absent
 * @param expiresAt optional advisory expiry, ISO-8601
 */
public record AddVersionRequest(String value, String valueBase64, String status, String expiresAt) {

    /** The value; the caller closes it. */
    public SecretValue toValue() {
        if ((value == null) == (valueBase64 == null)) {
            throw invalid("give exactly one of 'value' (UTF-8 text) and 'valueBase64'");
        }
        if (value != null) {
            return SecretValue.ofUtf8(value);
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(valueBase64);
        } catch (IllegalArgumentException e) {
            // The decoder's message quotes the offending character.
            throw invalid("'valueBase64' is not valid base64");
        }
        return SecretValue.wrap(bytes);
    }

    /** The requested status. */
    public VersionStatus toStatus() {
        if (status == null) {
            return VersionStatus.CURRENT;
        }
        return switch (status) {
            case "PENDING" -> VersionStatus.PENDING;
            case "CURRENT" -> VersionStatus.CURRENT;
            default -> throw invalid("'status' must be PENDING or CURRENT");
        };
    }

    /** The advisory expiry, or {@code null}. */
    public Instant toExpiresAt() {
        return Instants.parseOrNull("expiresAt", expiresAt);
    }

    private static InvalidRequestException invalid(String message) {
        return new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, message);
    }

    @Override
    public String toString() {
        return "AddVersionRequest[value=redacted, status=" + status + "]";
    }
}
