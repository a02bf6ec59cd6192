package dev.coffer.server.api.dto;

import java.util.Map;

/**
 * {@code /health/live} and {@code /health/ready}, in the MicroProfile Health shape.
 *
 * @param status {@code UP} or {@code DOWN}
 * @param checks check name → {@code UP} or the error code that made it {@code DOWN}
 */
public record HealthBody(String status, Map<String, String> checks) {}
