package dev.coffer.server.agent;

import dev.coffer.spi.error.ErrorCode;

/**
 * The agent could not read every secret its templates name within the deadline. The message names
 * each template's destination and secret reference with the error code, never a value; nothing
 * was written.
 */
public final class AgentStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public AgentStartException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** The first failure's code (the exit status follows it). */
    public ErrorCode code() {
        return code;
    }
}
