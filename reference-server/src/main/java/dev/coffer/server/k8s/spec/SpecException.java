package dev.coffer.server.k8s.spec;

import java.util.Objects;

/**
 * A delivery spec that cannot be used as written: the message starts with the file, line and field
 * ({@link Where}) and says what to change. It never carries a value (values are not read to
 * validate; a connector that fails names the variable or path, not what it held).
 *
 * <pre>
 * spec.yaml:14: managers[1].secrets[0].provider: unknown provider 'registy'; known: app-secrets, registry
 * </pre>
 */
public class SpecException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Where where;

    public SpecException(Where where, String message) {
        super(Objects.requireNonNull(where, "where") + ": " + message);
        this.where = where;
    }

    /** Where the error is. */
    public Where where() {
        return where;
    }
}
