package dev.coffer.server.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tag values from an open set kept to a fixed number: the first {@code limit} distinct values seen
 * are reported as themselves, every later one as {@value #OTHER}, a missing one as {@value #NONE}.
 * For coarse names an operator creates (environments), never for anything finer (paths, ids).
 *
 * <pre>{@code
 * BoundedTagValues environments = new BoundedTagValues(16);
 * environments.of("prod"); // "prod", unless 16 others came first
 * }</pre>
 */
public final class BoundedTagValues {
    /** The value of anything past the limit. */
    public static final String OTHER = "other";
    /** The value when there is none. */
    public static final String NONE = "none";

    private final int limit;
    private final Set<String> admitted = ConcurrentHashMap.newKeySet();

    public BoundedTagValues(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        this.limit = limit;
    }

    /** The tag value for {@code value}. */
    public String of(String value) {
        if (value == null || value.isEmpty()) {
            return NONE;
        }
        if (admitted.contains(value)) {
            return value;
        }
        synchronized (admitted) {
            if (admitted.size() < limit) {
                admitted.add(value);
                return value;
            }
        }
        return admitted.contains(value) ? value : OTHER;
    }
}
