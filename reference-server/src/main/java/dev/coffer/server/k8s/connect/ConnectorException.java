package dev.coffer.server.k8s.connect;

import dev.coffer.server.k8s.spec.SpecException;
import dev.coffer.server.k8s.spec.Where;
import dev.coffer.spi.error.ErrorCode;
import java.util.Objects;
import java.util.Optional;

/**
 * A value a connector could not load: the message starts with the secret's place in the spec and
 * names the secret, its manager, and the variable, path or key at fault, with the server's code
 * for Coffer reads; never a value.
 *
 * <pre>
 * spec.yaml:14: managers[1].secrets[0]: secret 'DATABASE_URL' of manager 'backend': environment
 * variable COFFER_SECRET_DATABASE_URL is not set (nor in .env); export it, or add it to .env
 * </pre>
 */
public class ConnectorException extends SpecException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public ConnectorException(Where where, String message) {
        this(where, message, null);
    }

    public ConnectorException(Where where, String message, ErrorCode code) {
        super(Objects.requireNonNull(where, "where"), message);
        this.code = code;
    }

    /** The code the Coffer server answered, for a {@code coffer} read it refused. */
    public Optional<ErrorCode> code() {
        return Optional.ofNullable(code);
    }
}
