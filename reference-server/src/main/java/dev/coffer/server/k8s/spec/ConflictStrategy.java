package dev.coffer.server.k8s.spec;

import java.util.Arrays;
import java.util.Optional;

/** How a conflict at one {@link ConflictLevel} is settled. */
public enum ConflictStrategy {
    /** Fail, naming both sides (the managers, providers, or the key and Secret). */
    ERROR("error"),
    /** The later object (in spec order) replaces the earlier one whole; each replacement is reported. */
    OVERWRITE("overwrite"),
    /** The objects' keys are merged into one object; the same key from two sides is an error. */
    AUTO_MERGE("autoMerge");

    private final String specName;

    ConflictStrategy(String specName) {
        this.specName = specName;
    }

    /** The word in the spec. */
    public String specName() {
        return specName;
    }

    /** The strategy spelt {@code word} in a spec. */
    public static Optional<ConflictStrategy> of(String word) {
        return Arrays.stream(values()).filter(s -> s.specName.equals(word)).findFirst();
    }
}
