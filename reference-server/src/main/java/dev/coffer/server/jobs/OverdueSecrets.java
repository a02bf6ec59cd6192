package dev.coffer.server.jobs;

import dev.coffer.spi.rotation.RotationEngine;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Counts overdue secrets for {@code coffer_rotation_overdue_secrets} in each tenant the server
 * serves, with {@link RotationEngine#countOverdue}: a count kept out of the audit trail (a listing
 * through the API would add an audited {@code SECRET_LIST} every minute) and naming no secret.
 *
 * <pre>{@code
 * LongSupplier overdue = new OverdueSecrets(kernel.rotationEngine(), List.of(SecretManager.OPERATOR_TENANT));
 * }</pre>
 */
public final class OverdueSecrets implements LongSupplier {
    private final RotationEngine engine;
    private final List<String> tenants;

    public OverdueSecrets(RotationEngine engine, List<String> tenants) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.tenants = List.copyOf(tenants);
    }

    @Override
    public long getAsLong() {
        long count = 0;
        for (String tenant : tenants) {
            count += engine.countOverdue(tenant);
        }
        return count;
    }
}
