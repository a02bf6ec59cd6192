package dev.coffer.jdbi;

import dev.coffer.spi.audit.AuditAnchor;
import dev.coffer.spi.audit.AuditKeys;
import dev.coffer.spi.store.TenantKeyStore;
import java.util.Objects;
import java.util.function.Function;

/**
 * What makes the audit log of a {@link CofferDatabase} tamper-evident against someone who can
 * write the database: its {@link AuditKeys}, held outside the database, and the
 * {@link AuditAnchor} its checkpoints go to, also outside it.
 *
 * <p>The keys are resolved once the database is open, from its tenant key store, so that they can
 * be derived from a keyset stored there wrapped by the root key (every instance sharing the
 * database then derives the same keys, and a database reader cannot):
 * <pre>{@code
 * AuditProtection protection = AuditProtection.derived(
 *         wrappedKeys -> DerivedKeys.open(root, wrappedKeys).auditKeys(),
 *         new CheckpointFile(dataDir.resolve("audit-checkpoints.jsonl")));
 * AuditProtection forTests = AuditProtection.of(AuditKeys.random(), new InMemoryAuditAnchor());
 * }</pre>
 */
public final class AuditProtection {
    private final Function<TenantKeyStore, AuditKeys> keys;
    private final AuditAnchor anchor;

    private AuditProtection(Function<TenantKeyStore, AuditKeys> keys, AuditAnchor anchor) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.anchor = Objects.requireNonNull(anchor, "anchor");
    }

    /** Keys resolved from the opened database's tenant key store; checkpoints into {@code anchor}. */
    public static AuditProtection derived(Function<TenantKeyStore, AuditKeys> keys, AuditAnchor anchor) {
        return new AuditProtection(keys, anchor);
    }

    /** Keys given as they are; checkpoints into {@code anchor}. */
    public static AuditProtection of(AuditKeys keys, AuditAnchor anchor) {
        Objects.requireNonNull(keys, "keys");
        return new AuditProtection(store -> keys, anchor);
    }

    AuditKeys keys(TenantKeyStore store) {
        return Objects.requireNonNull(keys.apply(store), "the audit keys resolved to null");
    }

    /** Where checkpoints go. */
    public AuditAnchor anchor() {
        return anchor;
    }
}
