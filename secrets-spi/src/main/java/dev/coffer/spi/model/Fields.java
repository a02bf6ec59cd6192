package dev.coffer.spi.model;

import dev.coffer.spi.internal.PlainText;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/** Validation shared by the model records. Messages name the field and the rule, never a value of a secret. */
final class Fields {
    private static final Pattern TEAM = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");
    private static final Pattern ROTATION_STRATEGY = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Pattern LABEL_KEY = Pattern.compile("[a-z][a-z0-9_.-]{0,62}");
    static final int MAX_DESCRIPTION = 1024;
    static final int MAX_LABELS = 64;
    static final int MAX_LABEL_VALUE = 255;

    private Fields() {}

    static InvalidRequestException invalid(String message) {
        return new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, message);
    }

    static <T> T required(T value, String field) {
        if (value == null) {
            throw invalid(field + " is required");
        }
        return value;
    }

    static String ownerTeam(String team) {
        if (team == null || !TEAM.matcher(team).matches()) {
            throw invalid("ownerTeam must match [a-z0-9][a-z0-9._-]{0,127}");
        }
        return team;
    }

    static String description(String description) {
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw invalid("description is " + description.length() + " characters long; at most " + MAX_DESCRIPTION + " are allowed");
        }
        return description == null ? "" : description;
    }

    /**
     * A description a caller gives: plain text ({@link PlainText}) within the length limit. Stored
     * secrets keep only the length limit, so rows from before the text rule still read.
     */
    static String requestedDescription(String description) {
        return description(PlainText.require("description", description));
    }

    /** Labels a caller gives: the label rules, and values of plain text ({@link PlainText}). */
    static Map<String, String> requestedLabels(Map<String, String> labels) {
        Map<String, String> checked = labels(labels);
        checked.forEach((key, value) -> PlainText.require("label '" + key + "'", value));
        return checked;
    }

    static String rotationStrategy(String strategy) {
        if (strategy == null) {
            return Secret.ROTATION_MANUAL_OVERLAP;
        }
        if (!ROTATION_STRATEGY.matcher(strategy).matches()) {
            throw invalid("rotationStrategy must be manual-overlap, generated or a rotator name matching [a-z][a-z0-9-]{0,62}");
        }
        return strategy;
    }

    /** A period as stored: positive. Stores may hold periods from before the bounds of {@link #rotationPeriod}. */
    static Duration storedRotationPeriod(Duration period) {
        if (period != null && (period.isNegative() || period.isZero())) {
            throw invalid("rotationPeriod must be positive");
        }
        return period;
    }

    /** A period a caller asks for: within {@link Secret#MIN_ROTATION_PERIOD} and {@link Secret#MAX_ROTATION_PERIOD}. */
    static Duration rotationPeriod(Duration period) {
        if (period != null && (period.compareTo(Secret.MIN_ROTATION_PERIOD) < 0 || period.compareTo(Secret.MAX_ROTATION_PERIOD) > 0)) {
            throw invalid("rotationPeriod must lie between 1 hour (PT1H) and 3650 days (P3650D)");
        }
        return period;
    }

    /** Label keys a caller names (to remove them): each by the key rule, at most {@link #MAX_LABELS}. */
    static java.util.Set<String> labelKeys(java.util.Set<String> keys) {
        if (keys == null) {
            return java.util.Set.of();
        }
        if (keys.size() > MAX_LABELS) {
            throw invalid("at most " + MAX_LABELS + " label keys may be removed at once, got " + keys.size());
        }
        for (String key : keys) {
            if (key == null || !LABEL_KEY.matcher(key).matches()) {
                throw invalid("label keys must match [a-z][a-z0-9_.-]{0,62}");
            }
        }
        return java.util.Set.copyOf(keys);
    }

    static Map<String, String> labels(Map<String, String> labels) {
        if (labels == null) {
            return Map.of();
        }
        if (labels.size() > MAX_LABELS) {
            throw invalid("at most " + MAX_LABELS + " labels are allowed, got " + labels.size());
        }
        labels.forEach((key, value) -> {
            if (key == null || !LABEL_KEY.matcher(key).matches()) {
                throw invalid("label keys must match [a-z][a-z0-9_.-]{0,62}");
            }
            if (value == null || value.length() > MAX_LABEL_VALUE) {
                throw invalid("label '" + key + "' must have a value of at most " + MAX_LABEL_VALUE + " characters");
            }
        });
        return Map.copyOf(labels);
    }
}
