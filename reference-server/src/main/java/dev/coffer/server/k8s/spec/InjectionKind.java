package dev.coffer.server.k8s.spec;

import java.util.Arrays;
import java.util.Optional;

/** How a secret reaches a workload's containers. */
public enum InjectionKind {
    /** One environment variable, {@code valueFrom.secretKeyRef} (named {@code as}, else the secret's name). */
    ENV("env"),
    /** Every key of the secret's Secret as environment variables ({@code envFrom.secretRef}). */
    ENV_FROM("envFrom"),
    /** A file: a Secret volume item, or for the {@code agent} provider a file in its memory volume. */
    VOLUME("volume"),
    /** The pod's {@code imagePullSecrets} (a {@code dockerconfigjson} secret). */
    IMAGE_PULL_SECRETS("imagePullSecrets");

    private final String specName;

    InjectionKind(String specName) {
        this.specName = specName;
    }

    /** The word in the spec. */
    public String specName() {
        return specName;
    }

    /** The kind spelt {@code word} in a spec. */
    public static Optional<InjectionKind> of(String word) {
        return Arrays.stream(values()).filter(k -> k.specName.equals(word)).findFirst();
    }
}
