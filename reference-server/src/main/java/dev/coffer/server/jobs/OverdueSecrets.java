package dev.coffer.server.jobs;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.rotation.RotationFilter;
import dev.coffer.spi.rotation.RotationManager;
import dev.coffer.spi.rotation.RotationStatus;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Counts overdue secrets for {@code coffer_rotation_overdue_secrets}: pages through
 * {@link RotationManager#list} with {@link RotationFilter#overdue()} in each tenant the server
 * serves, as the engine's principal {@value #PRINCIPAL}, so the count goes through the kernel
 * like every other read of rotation state.
 *
 * <pre>{@code
 * LongSupplier overdue = new OverdueSecrets(kernel.rotations(), List.of("default"));
 * }</pre>
 */
public final class OverdueSecrets implements LongSupplier {
    /** The principal the rotation engine acts as. */
    public static final String PRINCIPAL = "service:coffer:rotation";
    /** The most pages read per tenant per count (a bound on the work of one count). */
    static final int MAX_PAGES = 100;

    private final RotationManager rotations;
    private final List<String> tenants;

    public OverdueSecrets(RotationManager rotations, List<String> tenants) {
        this.rotations = Objects.requireNonNull(rotations, "rotations");
        this.tenants = List.copyOf(tenants);
    }

    @Override
    public long getAsLong() {
        long count = 0;
        for (String tenant : tenants) {
            AccessContext ctx = AccessContext.of(Principal.of(PRINCIPAL, tenant));
            String token = null;
            for (int pages = 0; pages < MAX_PAGES; pages++) {
                Page<RotationStatus> page = rotations.list(ctx, RotationFilter.overdue(), new PageRequest(token, PageRequest.MAX_LIMIT));
                count += page.items().size();
                token = page.nextPageToken();
                if (token == null) {
                    break;
                }
            }
        }
        return count;
    }
}
