package dev.coffer.server.standalone;

import dev.coffer.jdbi.AuditProtection;
import dev.coffer.jdbi.CofferDatabase;
import dev.coffer.jdbi.DatabaseConfig;
import dev.coffer.jdbi.JdbiInstallation;
import dev.coffer.server.metrics.Metrics;
import dev.coffer.server.metrics.PoolMetrics;
import dev.coffer.server.api.HealthCheck;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.crypto.Envelope;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.PolicyStore;
import dev.coffer.spi.store.RotationStore;
import dev.coffer.spi.store.SecretStore;
import dev.coffer.tink.DerivedKeys;
import dev.coffer.tink.TinkEnvelope;
import dev.coffer.tink.root.RootKey;
import dev.coffer.tink.root.RootKeys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The durable parts: {@code secrets-jdbi} on H2 (a file in the data directory) or PostgreSQL, and
 * the {@code secrets-tink} envelope under a root key ({@code local-keyset:<data>/root-keyset.json}
 * by default). Database credentials come from {@code COFFER_DB_USER} and {@code COFFER_DB_PASSWORD}.
 *
 * <p>The audit log is keyed with {@link DerivedKeys} under the root key (the wrapped keyset lives
 * in the database, so every instance derives the same keys) and checkpointed into
 * {@value CheckpointFile#FILE_NAME} in the data directory, which every instance keeps for itself.
 */
public final class DurableBackend implements Backend {
    private static final byte[] PROBE = "coffer-health-probe".getBytes(StandardCharsets.UTF_8);
    private static final Duration KEY_CHECK_INTERVAL = Duration.ofSeconds(30);
    private static final String BOOTSTRAP_STEP = "admin-bootstrap";

    private final CofferDatabase db;
    private final TinkEnvelope envelope;
    private final DerivedKeys derivedKeys;
    private final CheckpointFile checkpoints;
    private final String description;

    private DurableBackend(CofferDatabase db, TinkEnvelope envelope, DerivedKeys derivedKeys, CheckpointFile checkpoints,
            String description) {
        this.db = db;
        this.envelope = envelope;
        this.derivedKeys = derivedKeys;
        this.checkpoints = checkpoints;
        this.description = description;
    }

    /** Opens (and migrates) the database and the envelope named by {@code options}, its pools measured into {@code metrics}. */
    static DurableBackend open(ServeOptions options, DataDir data, Metrics metrics) {
        DatabaseConfig config = options.jdbcUrl() == null
                ? DatabaseConfig.h2File(data.root())
                : DatabaseConfig.builder(options.jdbcUrl())
                        .user(System.getenv("COFFER_DB_USER"))
                        .password(System.getenv("COFFER_DB_PASSWORD"))
                        .build();
        config = config.toBuilder().poolSize(options.dbPoolSize()).metricsTrackerFactory(PoolMetrics.tracker(metrics)).build();
        String keyUri = options.keyUri() == null ? "local-keyset:" + data.file(TinkEnvelope.LOCAL_KEYSET_FILE) : options.keyUri();
        DurableBackend backend = open(config, keyUri, data.file(CheckpointFile.FILE_NAME));
        try {
            if (options.jdbcUrl() == null && data.has("coffer.mv.db")) {
                data.restrict("coffer.mv.db");
            }
            return backend;
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    /**
     * Opens (and migrates) the database of {@code config} and the envelope under {@code keyUri},
     * with the audit log keyed under that root key and checkpointed into {@code checkpointsFile};
     * the one wiring of durable parts, shared by the standalone server and the Liberty deployment.
     */
    public static DurableBackend open(DatabaseConfig config, String keyUri, Path checkpointsFile) {
        RootKey root = RootKeys.fromUri(keyUri);
        CheckpointFile checkpoints = new CheckpointFile(checkpointsFile);
        // The derived keys are opened from the database's key store once it is open; kept for page tokens.
        AtomicReference<DerivedKeys> derived = new AtomicReference<>();
        CofferDatabase db = CofferDatabase.open(config, AuditProtection.derived(store -> {
            derived.set(DerivedKeys.open(root, store));
            return derived.get().auditKeys();
        }, checkpoints));
        try {
            TinkEnvelope envelope = TinkEnvelope.builder().rootKey(root).tenantKeyStore(db.tenantKeyStore()).build();
            return new DurableBackend(db, envelope, derived.get(), checkpoints,
                    config.safeUrl() + "; root key " + root.uri() + "; audit checkpoints " + checkpointsFile);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /**
     * Keys derived under the root key for purposes other than sealing, e.g.
     * {@code derivedKeys().key(DerivedKeys.PAGE_TOKEN)}.
     */
    public DerivedKeys derivedKeys() {
        return derivedKeys;
    }

    /** Derived under the root key, so every instance on this database accepts the others' page tokens. */
    @Override
    public Optional<byte[]> pageTokenKey() {
        return Optional.of(derivedKeys.key(DerivedKeys.PAGE_TOKEN));
    }

    /** Where the audit checkpoints go. */
    public CheckpointFile checkpoints() {
        return checkpoints;
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
    public RotationStore rotationStore() {
        return db.rotationStore();
    }

    @Override
    public BootstrapRecord bootstrapRecord() {
        return new BootstrapRecord() {
            @Override
            public boolean done() {
                return db.installation().isDone(BOOTSTRAP_STEP);
            }

            @Override
            public boolean record(Instant at) {
                return db.installation().markDone(BOOTSTRAP_STEP, at);
            }

            @Override
            public <T> BeforeCommit<T> recording(Instant at, BeforeCommit<T> then) {
                return db.installation().markingDone(BOOTSTRAP_STEP, at, then);
            }

            @Override
            public boolean recordedBefore(RuntimeException failure) {
                return failure instanceof JdbiInstallation.StepAlreadyDone done && BOOTSTRAP_STEP.equals(done.step());
            }
        };
    }

    @Override
    public List<HealthCheck> healthChecks() {
        RootKey root = envelope.rootKey();
        // A KMS root costs a remote call per check, so the result is reused for a while.
        // "audit": an insert into the audit table and an update of its head, rolled back — so
        // readiness goes DOWN when appends (and so every audited call) would fail, with no row written.
        return List.of(HealthChecks.store(db.secretStore()),
                HealthChecks.check("audit", db.auditLog()::probeAppend),
                HealthChecks.cached(HealthChecks.check("keys", () -> roundTrip(root)), KEY_CHECK_INTERVAL));
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
