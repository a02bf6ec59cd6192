package dev.coffer.server.k8s.conflict;

import dev.coffer.server.k8s.spec.ConflictLevel;
import dev.coffer.server.k8s.spec.SpecException;
import dev.coffer.server.k8s.spec.Where;
import java.util.Objects;

/**
 * Two claims on one object that the conflict policy does not settle: the message starts with the
 * later claim's place and names both sides (managers, providers or secrets, each with its place),
 * the key, the level and the fix. No values (none have been read).
 *
 * <pre>
 * spec.yaml:21: managers[1].providers.app: Secret.Opaque:apps/app-secrets is produced by provider 'app' of
 * manager 'frontend' (...) and by provider 'app' of manager 'backend' (...) (crossManager: error); ...
 * </pre>
 */
public class DeliveryConflictException extends SpecException {
    private static final long serialVersionUID = 1L;

    private final ConflictLevel level;

    public DeliveryConflictException(Where where, ConflictLevel level, String message) {
        super(where, message);
        this.level = Objects.requireNonNull(level, "level");
    }

    /** The level the claims met at. */
    public ConflictLevel level() {
        return level;
    }
}
