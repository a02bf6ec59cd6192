package dev.coffer.spi.model;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A secret's aliases: name → version number.
 *
 * <p>{@code current}, {@code previous} and {@code next} are reserved. Moving {@code current} sets
 * {@code previous} to the old current in the same atomic step; {@code previous} is never moved
 * directly. Every move is compare-and-set.
 *
 * @param byName the aliases, sorted by name
 */
public record Aliases(Map<String, Integer> byName) {
    public static final String CURRENT = "current";
    public static final String PREVIOUS = "previous";
    public static final String NEXT = "next";
    /** The reserved names. */
    public static final Set<String> RESERVED = Set.of(CURRENT, PREVIOUS, NEXT);

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    public Aliases {
        byName = java.util.Collections.unmodifiableMap(new TreeMap<>(Fields.required(byName, "aliases")));
    }

    /** No aliases. */
    public static Aliases none() {
        return new Aliases(Map.of());
    }

    /** The version an alias points at. */
    public OptionalInt get(String name) {
        Integer v = byName.get(name);
        return v == null ? OptionalInt.empty() : OptionalInt.of(v);
    }

    /** Whether {@code name} points at {@code version}. */
    public boolean pointsAt(String name, int version) {
        Integer v = byName.get(name);
        return v != null && v == version;
    }

    /** Validates an alias name. */
    public static String requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT,
                    "alias names must match [a-z][a-z0-9-]{0,62}");
        }
        return name;
    }
}
