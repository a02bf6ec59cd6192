package dev.coffer.server.cli;

/**
 * What the CLI's exit status means. Scripts can rely on these; the error code itself is printed
 * on stderr, on one line with the server's detail and the request id
 * ({@code coffer: VERSION_CONFLICT: alias 'current' of ... (POST /v1/aliases/current/prod/db: HTTP 409, request 9f1c...)}).
 */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** An unexpected failure (HTTP 500, a bug). */
    public static final int INTERNAL = 1;
    /** Bad command-line usage. */
    public static final int USAGE = 2;
    /** 401 {@code UNAUTHENTICATED}: no token, or a bad or expired one. */
    public static final int UNAUTHENTICATED = 3;
    /** 403 {@code ACCESS_DENIED}. */
    public static final int DENIED = 4;
    /** 404: no such secret, version, alias or policy. */
    public static final int NOT_FOUND = 5;
    /** 409: stale compare-and-set, existing path, transition not allowed. */
    public static final int CONFLICT = 6;
    /** 410: the version is disabled or destroyed. */
    public static final int GONE = 7;
    /** 400 or 413: invalid request or value too large. */
    public static final int INVALID = 8;
    /** 503 or no connection: store, keys or audit unavailable, or the server unreachable. */
    public static final int UNAVAILABLE = 9;
    /** {@code audit verify} found the hash chain broken. */
    public static final int AUDIT_BROKEN = 10;

    /** {@code coffer run}: the command could not be started (not found, not executable), as a shell answers. */
    public static final int CANNOT_START = 127;

    private ExitCodes() {}

    /** The exit code for an HTTP error status. */
    public static int forStatus(int status) {
        return switch (status) {
            case 400, 413 -> INVALID;
            case 401 -> UNAUTHENTICATED;
            case 403 -> DENIED;
            case 404 -> NOT_FOUND;
            case 409 -> CONFLICT;
            case 410 -> GONE;
            case 503 -> UNAVAILABLE;
            default -> status >= 400 && status < 500 ? INVALID : INTERNAL;
        };
    }
}
