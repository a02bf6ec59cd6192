package dev.coffer.server.k8s;

/**
 * The labels and annotations {@code coffer k8s} puts on every object it generates or changes, so
 * that a later apply can tell what it owns. They name the manager, the provider and the sources
 * (Coffer paths and versions, environment variable names, literal names), never a value.
 *
 * <pre>
 * metadata:
 *   labels:
 *     app.kubernetes.io/managed-by: coffer
 *     coffer.dev/manager: backend
 *     coffer.dev/provider: app-secrets
 *   annotations:
 *     coffer.dev/sources: "coffer:prod/payments/db-password@3,env:COFFER_SECRET_API_KEY"
 * </pre>
 */
public final class Provenance {
    /** The standard label naming the tool that manages an object. */
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    /** The value of {@link #MANAGED_BY}. */
    public static final String COFFER = "coffer";
    /** Label: the manager (team) whose secrets the object holds or receives. */
    public static final String MANAGER = "coffer.dev/manager";
    /** Label: the provider (within the manager) that produced the object. */
    public static final String PROVIDER = "coffer.dev/provider";
    /**
     * Annotation: where each value came from, comma-separated in key order:
     * {@code coffer:<environment>/<path>@<version>}, {@code env:<VARIABLE>} or {@code literal:<name>}.
     * On the agent's ConfigMap: the references the agent reads at run time, as written
     * ({@code coffer:prod/payments/db-password#current}), since no version is read to generate it.
     */
    public static final String SOURCES = "coffer.dev/sources";
    /** Annotation on a workload: the secrets injected into it, {@code <manager>/<secret>} comma-separated. */
    public static final String INJECTED = "coffer.dev/injected";

    private Provenance() {}
}
