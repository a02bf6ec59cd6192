package dev.coffer.server.k8s.manifest;

/**
 * A manifest file that cannot be read as Kubernetes objects. The message starts with the file and
 * the document (1-based, with its kind and name when known) and names the field or YAML position at
 * fault; it never quotes a value, because a manifest may be a Secret.
 *
 * <pre>
 * web.yaml: document 2 (apps/v1 Deployment web): field spec.replicas: is not what the Deployment model expects (MismatchedInputException)
 * </pre>
 */
public class ManifestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ManifestException(String message) {
        super(message);
    }
}
