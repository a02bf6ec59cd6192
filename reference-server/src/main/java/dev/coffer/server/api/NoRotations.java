package dev.coffer.server.api;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.SecretRef;
import dev.coffer.spi.rotation.RotationFilter;
import dev.coffer.spi.rotation.RotationManager;
import dev.coffer.spi.rotation.RotationPolicy;
import dev.coffer.spi.rotation.RotationRun;
import dev.coffer.spi.rotation.RotationStatus;
import java.util.List;

/**
 * The rotation API of an application served over a {@link dev.coffer.spi.SecretManager} that has no
 * rotation engine behind it (a decorator or a remote client in tests): every secret answers 404
 * {@code ROTATION_NOT_CONFIGURED} and the listing is empty, so the routes and their documentation
 * stay the same on every server.
 */
public final class NoRotations implements RotationManager {
    /** The one instance. */
    public static final NoRotations INSTANCE = new NoRotations();

    private NoRotations() {}

    private static NotFoundException none() {
        return new NotFoundException(ErrorCode.ROTATION_NOT_CONFIGURED, "this server runs no rotation engine");
    }

    @Override
    public RotationStatus setPolicy(AccessContext ctx, SecretRef secret, RotationPolicy policy) {
        throw none();
    }

    @Override
    public RotationStatus status(AccessContext ctx, SecretRef secret) {
        throw none();
    }

    @Override
    public void removePolicy(AccessContext ctx, SecretRef secret) {
        throw none();
    }

    @Override
    public RotationRun rotateNow(AccessContext ctx, SecretRef secret, boolean testOnly) {
        throw none();
    }

    @Override
    public RotationRun cancel(AccessContext ctx, SecretRef secret) {
        throw none();
    }

    @Override
    public Aliases rollback(AccessContext ctx, SecretRef secret) {
        throw none();
    }

    @Override
    public Page<RotationStatus> list(AccessContext ctx, RotationFilter filter, PageRequest page) {
        return new Page<>(List.of(), null);
    }
}
