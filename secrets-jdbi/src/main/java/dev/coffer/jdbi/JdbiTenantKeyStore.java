package dev.coffer.jdbi;

import dev.coffer.spi.internal.Messages;
import dev.coffer.jdbi.internal.Database;
import dev.coffer.jdbi.internal.Sql;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.store.TenantKeyStore;
import dev.coffer.spi.store.WrappedTenantKey;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * {@link TenantKeyStore} on JDBI: one row per tenant in {@code tenant_keys}, written only by
 * conditional statements, so racing server instances agree on one key and one revision.
 *
 * <p>It works on a small connection pool of its own and commits on its own: envelopes create a
 * tenant's first key while sealing a version, inside the version's transaction, and the key must
 * neither wait for that transaction's pool nor vanish if the version is rolled back.
 *
 * <pre>{@code
 * Envelope envelope = new JdkEnvelope(db.tenantKeyStore());
 * }</pre>
 */
public final class JdbiTenantKeyStore implements TenantKeyStore {
    private final Database db;

    JdbiTenantKeyStore(Database db) {
        this.db = db;
    }

    @Override
    public Optional<WrappedTenantKey> find(String tenant) {
        Objects.requireNonNull(tenant, "tenant");
        return db.readKeys(h -> select(h, tenant));
    }

    @Override
    public WrappedTenantKey createIfAbsent(WrappedTenantKey key) {
        Objects.requireNonNull(key, "key");
        return db.keys(h -> {
            Sql.ensureTenant(h, key.tenant());
            // A racing insert waits for the winner's commit and then does nothing.
            h.createUpdate("INSERT INTO tenant_keys (tenant, wrapped_keyset, revision, updated_at)"
                            + " VALUES (:tenant, :keyset, 1, :updatedAt) ON CONFLICT DO NOTHING")
                    .bind("tenant", key.tenant()).bind("keyset", key.wrappedKeyset())
                    .bind("updatedAt", Sql.instant(key.updatedAt()))
                    .execute();
            return select(h, key.tenant()).orElseThrow(() -> new IllegalStateException("tenant key vanished after insert"));
        });
    }

    @Override
    public WrappedTenantKey replace(String tenant, long expectedRevision, byte[] wrappedKeyset, Instant now) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(wrappedKeyset, "wrappedKeyset");
        Objects.requireNonNull(now, "now");
        WrappedTenantKey replacement = new WrappedTenantKey(tenant, wrappedKeyset, expectedRevision + 1, now);
        return db.keys(h -> {
            int changed = h.createUpdate("UPDATE tenant_keys SET wrapped_keyset = :keyset, revision = :next, updated_at = :now"
                            + " WHERE tenant = :tenant AND revision = :expected")
                    .bind("tenant", tenant).bind("keyset", replacement.wrappedKeyset())
                    .bind("next", expectedRevision + 1).bind("expected", expectedRevision)
                    .bind("now", Sql.instant(now))
                    .execute();
            if (changed == 1) {
                return replacement;
            }
            WrappedTenantKey stored = select(h, tenant).orElseThrow(() -> new NotFoundException(ErrorCode.TENANT_KEY_NOT_FOUND,
                    "tenant '" + Messages.printable(tenant) + "' has no key to replace"));
            throw new ConflictException(ErrorCode.VERSION_CONFLICT, "the key of tenant '" + tenant + "' is at revision "
                    + stored.revision() + ", but the caller expected revision " + expectedRevision);
        });
    }

    private static Optional<WrappedTenantKey> select(Handle h, String tenant) {
        return h.createQuery("SELECT tenant, wrapped_keyset, revision, updated_at FROM tenant_keys WHERE tenant = :tenant")
                .bind("tenant", tenant)
                .map((rs, ctx) -> new WrappedTenantKey(rs.getString("tenant"), rs.getBytes("wrapped_keyset"),
                        rs.getLong("revision"), Sql.instant(rs, "updated_at")))
                .findOne();
    }
}
