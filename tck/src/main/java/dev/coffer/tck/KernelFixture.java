package dev.coffer.tck;

import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.crypto.Envelope;
import dev.coffer.spi.kernel.StandardSecretManager;
import dev.coffer.spi.store.AuditOutbox;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.PolicyStore;
import dev.coffer.spi.store.SecretStore;
import dev.coffer.spi.store.RotationStore;
import dev.coffer.spi.rotation.RotationEngine;
import dev.coffer.spi.rotation.RotationManager;
import dev.coffer.spi.rotation.Rotators;
import dev.coffer.tck.support.ScriptedRotator;
import dev.coffer.tck.support.MutableClock;
import dev.coffer.tck.support.RecordingEnvelope;
import dev.coffer.tck.support.SwitchableAuditLog;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A {@link ManagerFixture} for vendors who implement SPI parts rather than a whole
 * {@link SecretManager}: it runs {@link StandardSecretManager} over the parts given, on a
 * {@link MutableClock}, with the audit log wrapped in a {@link SwitchableAuditLog}, and installs
 * the admin policy straight into the policy store (in {@link #TENANT}, in {@link #SECOND_TENANT} and
 * in the operator tenant), with the envelope wrapped in a {@link RecordingEnvelope}. Every
 * capability of the contract is present.
 *
 * <pre>{@code
 * class MyStoreManagerTest extends SecretManagerContract {
 *     protected ManagerFixture createFixture() {
 *         return KernelFixture.over(new MySecretStore(), new JdkEnvelope(new MyTenantKeyStore()),
 *                 new MyAuditLog(), new MyPolicyStore());
 *     }
 * }
 * }</pre>
 */
public final class KernelFixture implements ManagerFixture {
    /** The tenant the contract acts in. */
    public static final String TENANT = "tck";
    /** The all-powerful principal the fixture bootstraps. */
    public static final String ADMIN = "user:admin";
    /** A second tenant, with an admin of its own ({@link #secondTenantAdmin()}), for the tenancy tests. */
    public static final String SECOND_TENANT = "tck-second";
    /** The environment the fixture's kernel protects from force delete. */
    public static final String PROTECTED_ENVIRONMENT = "protected";
    /** The change stream's limits the fixture's kernel is built with: small, so that the watch topic's tests stay short. */
    public static final WatchLimits WATCH_LIMITS = new WatchLimits(16, 50);

    private final MutableClock clock = MutableClock.startingAt2030();
    private final SwitchableAuditLog auditLog;
    private final RecordingEnvelope envelope;
    private final StandardSecretManager manager;
    private final SecretStore store;
    private final PolicyStore policyStore;
    private final AutoCloseable onClose;

    private final ScriptedRotator rotator = new ScriptedRotator();

    private KernelFixture(SecretStore store, Envelope envelope, AuditLog log, PolicyStore policies, RotationStore rotations,
            AutoCloseable onClose) {
        this.auditLog = new SwitchableAuditLog(Objects.requireNonNull(log, "auditLog"));
        this.envelope = new RecordingEnvelope(Objects.requireNonNull(envelope, "envelope"));
        this.onClose = onClose;
        this.store = Objects.requireNonNull(store, "secretStore");
        this.policyStore = Objects.requireNonNull(policies, "policyStore");
        policies.put(TENANT, Policy.allow("tck-admin", List.of(ADMIN), List.of("secrets:*"), List.of("*")), BeforeCommit.none());
        policies.put(SECOND_TENANT, Policy.allow("tck-admin", List.of(ADMIN), List.of("secrets:*"), List.of("*")),
                BeforeCommit.none());
        // The contract's own tenant is not the operator tenant, so that both sides of the metrics rule show.
        policies.put(SecretManager.OPERATOR_TENANT, Policy.allow("tck-admin", List.of(ADMIN), List.of("secrets:*"), List.of("*")),
                BeforeCommit.none());
        StandardSecretManager.Builder builder = StandardSecretManager.builder();
        if (rotations != null) {
            builder.rotationStore(rotations)
                    .rotators(Rotators.discover(KernelFixture.class.getClassLoader()).with(rotator));
        }
        this.manager = builder
                .secretStore(store)
                .envelope(this.envelope)
                .auditLog(auditLog)
                .policyStore(policies)
                .clock(clock)
                .protectedEnvironments(List.of(PROTECTED_ENVIRONMENT))
                .changeWindow(WATCH_LIMITS.window())
                .changeReplayLimit(WATCH_LIMITS.replayLimit())
                // Logs that cannot signal appends are polled this often (a test's wait, not a product default).
                .changePollInterval(java.time.Duration.ofMillis(50))
                .build();
    }

    /** The kernel over fresh, empty parts. */
    public static KernelFixture over(SecretStore store, Envelope envelope, AuditLog auditLog, PolicyStore policyStore) {
        return new KernelFixture(store, envelope, auditLog, policyStore, null, () -> { });
    }

    /**
     * The kernel over fresh, empty parts including a rotation store, so that the rotation topic runs
     * (with {@link ScriptedRotator} and the rotators {@link Rotators#discover ServiceLoader} finds).
     */
    public static KernelFixture over(SecretStore store, Envelope envelope, AuditLog auditLog, PolicyStore policyStore,
            RotationStore rotationStore, AutoCloseable resources) {
        return new KernelFixture(store, envelope, auditLog, policyStore, Objects.requireNonNull(rotationStore, "rotationStore"),
                resources);
    }

    /** As {@link #over}, closing {@code resources} (a database, a pool) when the test ends. */
    public static KernelFixture over(SecretStore store, Envelope envelope, AuditLog auditLog, PolicyStore policyStore,
            AutoCloseable resources) {
        return new KernelFixture(store, envelope, auditLog, policyStore, null, resources);
    }

    @Override
    public Optional<Rotation> rotation() {
        if (!manager.rotates()) {
            return Optional.empty();
        }
        return Optional.of(new Rotation() {
            @Override
            public RotationManager rotations() {
                return manager.rotations();
            }

            @Override
            public RotationEngine engine() {
                return manager.rotationEngine();
            }

            @Override
            public ScriptedRotator rotator() {
                return rotator;
            }
        });
    }

    @Override
    public SecretManager manager() {
        return manager;
    }

    @Override
    public String tenant() {
        return TENANT;
    }

    @Override
    public AccessContext admin() {
        return AccessContext.of(Principal.of(ADMIN, TENANT));
    }

    @Override
    public Optional<AccessContext> operatorAdmin() {
        return Optional.of(AccessContext.of(Principal.of(ADMIN, SecretManager.OPERATOR_TENANT)));
    }

    @Override
    public Optional<AccessContext> secondTenantAdmin() {
        return Optional.of(AccessContext.of(Principal.of(ADMIN, SECOND_TENANT)));
    }

    @Override
    public Optional<RecordingEnvelope> recordingEnvelope() {
        return Optional.of(envelope);
    }

    @Override
    public Optional<MutableClock> clock() {
        return Optional.of(clock);
    }

    @Override
    public Optional<AuditOutage> auditOutage() {
        return Optional.of(new AuditOutage() {
            @Override
            public void failAppends(boolean failing) {
                auditLog.failAppends(failing);
            }

            @Override
            public void failAppendsAsStorageOutage(boolean failing) {
                auditLog.failAppendsAsStorageOutage(failing);
            }

            @Override
            public void failAppendsUnexpectedly(boolean failing) {
                auditLog.failAppendsUnexpectedly(failing);
            }

            @Override
            public void relayPending() {
                int before = waiting();
                int relayed = manager.relayAuditOutbox();
                int after = waiting();
                if (before < AuditOutbox.MAX_BATCH && relayed != before - after) {
                    throw new AssertionError("rule: StandardSecretManager.relayAuditOutbox returns how many events it moved"
                            + " from the outboxes to the log; " + before + " waited, " + after + " wait now, it returned " + relayed);
                }
            }

            @Override
            public OptionalInt waitingEvents() {
                boolean outboxes = store.auditOutbox().holdsEvents() || policyStore.auditOutbox().holdsEvents();
                return outboxes ? OptionalInt.of(waiting()) : OptionalInt.empty();
            }

            @Override
            public boolean canLoseReplies() {
                return true;
            }

            @Override
            public void loseReplies(boolean losing) {
                auditLog.loseReplies(losing);
            }
        });
    }

    // Events of committed changes waiting in the stores' outboxes (one outbox counted once), at most MAX_BATCH each.
    private int waiting() {
        AuditOutbox secrets = store.auditOutbox();
        AuditOutbox policies = policyStore.auditOutbox();
        int count = secrets.holdsEvents() ? secrets.pending(AuditOutbox.MAX_BATCH).size() : 0;
        if (policies != secrets && policies.holdsEvents()) {
            count += policies.pending(AuditOutbox.MAX_BATCH).size();
        }
        return count;
    }

    @Override
    public Optional<WatchLimits> watchLimits() {
        return Optional.of(WATCH_LIMITS);
    }

    @Override
    public Optional<String> protectedEnvironment() {
        return Optional.of(PROTECTED_ENVIRONMENT);
    }

    @Override
    public void close() {
        try {
            onClose.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("closing the fixture's resources failed", e);
        }
    }
}
