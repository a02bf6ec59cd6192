package dev.coffer.config.remote;

import dev.coffer.spi.error.AccessDeniedException;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.IntegrityException;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.error.SecretsException;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.error.VersionDestroyedException;
import dev.coffer.spi.error.VersionDisabledException;
import dev.coffer.spi.internal.Messages;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * Turns an error answer of the server ({@code application/problem+json}) into the
 * {@link SecretsException} subclass the kernel would have thrown, with the same
 * {@link ErrorCode}. The server's {@code detail} names paths and versions, never values.
 */
final class RemoteErrors {
    private RemoteErrors() {}

    /**
     * The exception for an error answer.
     *
     * @param status the HTTP status
     * @param problem the parsed body, or {@code null} when it was not JSON
     * @param where method and route, for the message
     */
    static SecretsException fromProblem(int status, JsonObject problem, String where) {
        ErrorCode code = codeOf(problem);
        String detail = text(problem, "detail");
        String requestId = text(problem, "requestId");
        String message = (detail == null ? "the server answered HTTP " + status : detail)
                + " (" + where + ": HTTP " + status
                + (code == null && text(problem, "code") != null ? " " + Messages.printable(text(problem, "code")) : "")
                + (requestId == null ? "" : ", request " + Messages.printable(requestId)) + ")";
        if (code == null) {
            code = codeForStatus(status);
        }
        return exception(code, message);
    }

    /** The exception class the kernel uses for {@code code}. */
    static SecretsException exception(ErrorCode code, String message) {
        return switch (code) {
            case INVALID_ARGUMENT, INVALID_PATH, INVALID_POLICY, INVALID_ROTATION_POLICY, VALUE_TOO_LARGE ->
                    new InvalidRequestException(code, message);
            case UNAUTHENTICATED, ACCESS_DENIED, ENVIRONMENT_PROTECTED -> new AccessDeniedException(code, message);
            case SECRET_NOT_FOUND, SECRET_PENDING_DELETION, VERSION_NOT_FOUND, ALIAS_NOT_FOUND, POLICY_NOT_FOUND,
                    TENANT_KEY_NOT_FOUND, ROTATION_NOT_CONFIGURED -> new NotFoundException(code, message);
            case SECRET_EXISTS, VERSION_CONFLICT, VERSION_IS_CURRENT, STATE_CONFLICT, SECRET_NOT_PENDING_DELETION,
                    RECOVERY_WINDOW_OPEN, ROTATION_IN_PROGRESS, ROTATION_NOT_RUNNING, ROTATION_NOT_AUTOMATIC,
                    ROLLBACK_UNAVAILABLE -> new ConflictException(code, message);
            case VERSION_DISABLED -> new VersionDisabledException(message);
            case VERSION_DESTROYED -> new VersionDestroyedException(message);
            case INTEGRITY_FAILURE -> new IntegrityException(code, message);
            // Recorded on rotation runs, never the answer to a call; kept generic if a server sends it.
            case ROTATION_STEP_FAILED -> new SecretsException(code, message);
            // A stream refused for capacity is retried later like an outage.
            case STORE_UNAVAILABLE, AUDIT_UNAVAILABLE, KEY_UNAVAILABLE, TOO_MANY_WATCHES, WATCH_CAPACITY_REACHED ->
                    new UnavailableException(code, message);
        };
    }

    /**
     * The code for an answer without a known one (a proxy's error page, the server's
     * {@code INTERNAL_ERROR}): the status decides. Server-side failures count as unavailable, so
     * callers may retry.
     */
    static ErrorCode codeForStatus(int status) {
        return switch (status) {
            case 401 -> ErrorCode.UNAUTHENTICATED;
            case 403 -> ErrorCode.ACCESS_DENIED;
            case 404 -> ErrorCode.SECRET_NOT_FOUND;
            case 409 -> ErrorCode.STATE_CONFLICT;
            case 413 -> ErrorCode.VALUE_TOO_LARGE;
            default -> status >= 500 || status < 400 ? ErrorCode.STORE_UNAVAILABLE : ErrorCode.INVALID_ARGUMENT;
        };
    }

    private static ErrorCode codeOf(JsonObject problem) {
        String code = text(problem, "code");
        if (code == null) {
            return null;
        }
        try {
            return ErrorCode.valueOf(code);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String text(JsonObject object, String field) {
        if (object == null) {
            return null;
        }
        JsonValue value = object.get(field);
        return value instanceof JsonString s ? s.getString() : null;
    }
}
