package dev.coffer.server.k8s.spec;

import java.util.Arrays;
import java.util.Optional;

/** How the {@code agent} provider runs beside a workload. */
public enum AgentMode {
    /** An init container renders once ({@code coffer agent --once}); the files do not follow rotations. */
    INIT("init"),
    /** A sidecar keeps the files current; the application may start before the first render. */
    SIDECAR("sidecar"),
    /** Both: the init container renders before the application starts, the sidecar follows changes. */
    BOTH("both");

    private final String specName;

    AgentMode(String specName) {
        this.specName = specName;
    }

    /** The word in the spec. */
    public String specName() {
        return specName;
    }

    /** The mode spelt {@code word} in a spec. */
    public static Optional<AgentMode> of(String word) {
        return Arrays.stream(values()).filter(m -> m.specName.equals(word)).findFirst();
    }
}
