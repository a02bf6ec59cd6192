package dev.coffer.server.api.dto;

/**
 * {@code POST /v1/secrets/{id}/rotation/run}; the body is optional.
 *
 * @param testOnly create, apply and test a value, then discard it instead of promoting (default false)
 */
public record RotateNowRequest(Boolean testOnly) {
    /** Whether the run is test-only. */
    public boolean isTestOnly() {
        return Boolean.TRUE.equals(testOnly);
    }
}
