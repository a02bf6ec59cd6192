package dev.coffer.server.agent;

/**
 * One template's state for {@code /health}: the destination, the state and why; never a value.
 *
 * @param destination the file
 * @param state the state
 * @param reason for revoked or failed: the secret reference and the error code, or what failed; else null
 */
public record TemplateStatus(String destination, TemplateState state, String reason) {}
