package dev.coffer.server.api;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.PageRequest;

/**
 * Parses query parameters by hand: JAX-RS answers 404 when it cannot convert a query parameter,
 * and a bad parameter is a 400. Messages name the parameter and the rule, never the value sent.
 */
final class QueryParams {
    private QueryParams() {}

    static Integer integer(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT,
                    "query parameter '" + name + "' must be an integer from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE);
        }
    }

    /** An optional integer: empty when absent or blank. */
    static java.util.OptionalInt optionalInt(String name, String value) {
        Integer parsed = integer(name, value);
        return parsed == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(parsed);
    }

    static PageRequest page(String pageToken, String limit) {
        Integer size = integer("limit", limit);
        return new PageRequest(pageToken == null || pageToken.isEmpty() ? null : pageToken,
                size == null ? PageRequest.DEFAULT_LIMIT : size);
    }

    static <E extends Enum<E>> E enumValue(String name, String value, Class<E> type) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "query parameter '" + name + "' must be one of "
                    + java.util.Arrays.toString(type.getEnumConstants()));
        }
    }

    /**
     * Repeated {@code key=value} parameters as a label map (split at the first {@code =}; label keys
     * have none). Keys and values are then checked by the label rules.
     */
    static java.util.Map<String, String> labels(String name, java.util.List<String> values) {
        java.util.Map<String, String> labels = new java.util.TreeMap<>();
        for (String pair : values == null ? java.util.List.<String>of() : values) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT,
                        "query parameter '" + name + "' must be key=value, e.g. " + name + "=tier=0");
            }
            String key = pair.substring(0, eq);
            if (labels.put(key, pair.substring(eq + 1)) != null) {
                throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT,
                        "query parameter '" + name + "' names one label key twice; every label given must match, so give each key once");
            }
        }
        return labels;
    }

    static <T> T requireBody(T body) {
        if (body == null) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "a JSON request body is required");
        }
        return body;
    }
}
