package dev.coffer.server.liberty;

import dev.coffer.jdbi.CofferDatabase;
import dev.coffer.jdbi.DatabaseConfig;
import dev.coffer.server.api.HealthCheck;
import dev.coffer.server.standalone.Backend;
import dev.coffer.server.standalone.DataDir;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.crypto.Envelope;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.store.PolicyStore;
import dev.coffer.spi.store.SecretStore;
import dev.coffer.tink.TinkEnvelope;
import dev.coffer.tink.root.RootKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;

/** The durable parts on Liberty: {@code secrets-jdbi} (H2 or PostgreSQL) and the {@code secrets-tink} envelope. */
final class LibertyBackend implements Backend {
    // A well-formed id that no secret has: the lookup costs one indexed query and finds nothing.
    private static final String PROBE_ID = "sec_healthprobe0000000000000000";
    private static final byte[] PROBE = "coffer-health-probe".getBytes(StandardCharsets.UTF_8);

    private final CofferDatabase db;
    private final TinkEnvelope envelope;
    private final String description;

    private LibertyBackend(CofferDatabase db, TinkEnvelope envelope, String description) {
        this.db = db;
        this.envelope = envelope;
        this.description = description;
    }

    /** Opens (and migrates) the database and opens (or creates) the root key. */
    static LibertyBackend open(LibertySettings settings) {
        DataDir data = null;
        if (settings.dbUrl() == null || settings.keyUri() == null) {
            data = DataDir.prepare(settings.dataDir());
        }
        DatabaseConfig config = settings.dbUrl() == null
                ? DatabaseConfig.h2File(data.root()).toBuilder().poolSize(settings.poolSize()).build()
                : DatabaseConfig.builder(settings.dbUrl()).user(settings.dbUser()).password(settings.dbPassword())
                        .poolSize(settings.poolSize()).build();
        String keyUri = settings.keyUri() != null ? settings.keyUri()
                : "local-keyset:" + data.file(TinkEnvelope.LOCAL_KEYSET_FILE);
        CofferDatabase db = CofferDatabase.open(config);
        try {
            TinkEnvelope envelope = TinkEnvelope.builder().keyUri(keyUri).tenantKeyStore(db.tenantKeyStore()).build();
            return new LibertyBackend(db, envelope, config.safeUrl() + "; root key " + envelope.rootKey().uri());
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    @Override
    public SecretStore secretStore() {
        return db.secretStore();
    }

    @Override
    public Envelope envelope() {
        return envelope;
    }

    @Override
    public AuditLog auditLog() {
        return db.auditLog();
    }

    @Override
    public PolicyStore policyStore() {
        return db.policyStore();
    }

    @Override
    public List<HealthCheck> healthChecks() {
        RootKey root = envelope.rootKey();
        return List.of(check("store", () -> db.secretStore().findSecret("default", PROBE_ID)), check("keys", () -> roundTrip(root)));
    }

    private static HealthCheck check(String name, Runnable probe) {
        return new HealthCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void check() {
                probe.run();
            }
        };
    }

    private static void roundTrip(RootKey root) {
        try {
            byte[] opened = root.unwrap(root.wrap(PROBE, PROBE), PROBE);
            boolean same = Arrays.equals(opened, PROBE);
            Arrays.fill(opened, (byte) 0);
            if (!same) {
                throw new UnavailableException(ErrorCode.KEY_UNAVAILABLE, "the root key does not round-trip");
            }
        } catch (GeneralSecurityException e) {
            throw new UnavailableException(ErrorCode.KEY_UNAVAILABLE, "the root key does not open what it wrapped");
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void close() {
        db.close();
    }
}
