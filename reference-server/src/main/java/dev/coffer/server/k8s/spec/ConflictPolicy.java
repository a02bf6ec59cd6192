package dev.coffer.server.k8s.spec;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code conflicts:} section: a strategy per level, and {@code strict}, which makes every
 * level {@link ConflictStrategy#ERROR} whatever else is written.
 *
 * <pre>
 * conflicts:
 *   strict: false
 *   strategies:
 *     intraProvider: autoMerge   # default
 *     crossProvider: error       # default
 *     crossManager: error        # default
 * </pre>
 *
 * @param strict whether every level is {@code error}
 * @param strategies the strategy written for each level (levels not written take the default)
 */
public record ConflictPolicy(boolean strict, Map<ConflictLevel, ConflictStrategy> strategies) {
    /** Merge within a provider, error across providers and managers; not strict. */
    public static final ConflictPolicy DEFAULTS = new ConflictPolicy(false, Map.of());

    public ConflictPolicy {
        strategies = Map.copyOf(Objects.requireNonNull(strategies, "strategies"));
    }

    /** The strategy that applies at {@code level}: {@code error} when strict, else as written or the default. */
    public ConflictStrategy at(ConflictLevel level) {
        if (strict) {
            return ConflictStrategy.ERROR;
        }
        ConflictStrategy written = strategies.get(level);
        if (written != null) {
            return written;
        }
        return level == ConflictLevel.INTRA_PROVIDER ? ConflictStrategy.AUTO_MERGE : ConflictStrategy.ERROR;
    }

    /** Every level's effective strategy, in level order. */
    public Map<ConflictLevel, ConflictStrategy> effective() {
        Map<ConflictLevel, ConflictStrategy> all = new EnumMap<>(ConflictLevel.class);
        for (ConflictLevel level : ConflictLevel.values()) {
            all.put(level, at(level));
        }
        return all;
    }
}
