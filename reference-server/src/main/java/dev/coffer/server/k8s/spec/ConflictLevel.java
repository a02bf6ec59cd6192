package dev.coffer.server.k8s.spec;

/**
 * Where two generated objects with the same conflict key ({@code {type}:{namespace}/{name}}) came
 * from: one provider (several secrets into one Secret), two providers of one manager, or two
 * managers.
 */
public enum ConflictLevel {
    /** Several secrets of one provider land in the same object (the usual case: one key each). */
    INTRA_PROVIDER("intraProvider"),
    /** Two providers of one manager produce the same object. */
    CROSS_PROVIDER("crossProvider"),
    /** Providers of two managers produce the same object. */
    CROSS_MANAGER("crossManager");

    private final String specName;

    ConflictLevel(String specName) {
        this.specName = specName;
    }

    /** The key under {@code conflicts.strategies} in the spec. */
    public String specName() {
        return specName;
    }
}
