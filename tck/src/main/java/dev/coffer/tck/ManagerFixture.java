package dev.coffer.tck;

import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.tck.support.MutableClock;
import dev.coffer.tck.support.RecordingEnvelope;
import java.util.Optional;

/**
 * What {@link SecretManagerContract} needs from an implementation under test: a fresh, empty
 * manager per test, a tenant with one all-powerful principal, and — where the implementation
 * allows — control over time and over audit failures. Tests that need a capability the fixture
 * lacks are skipped, not failed.
 */
public interface ManagerFixture extends AutoCloseable {
    /** The manager under test; empty of secrets and of policies other than the admin bootstrap. */
    SecretManager manager();

    /** The tenant the tests act in. */
    String tenant();

    /**
     * A context whose principal may do everything in {@link #tenant()} (the fixture installs a
     * policy allowing {@code secrets:*} on {@code *} for it, out of band). Its principal id must
     * not start with {@code user:tck-}: tests use that prefix for their own principals.
     */
    AccessContext admin();

    /**
     * A context whose principal may do everything in the operator tenant
     * ({@link SecretManager#OPERATOR_TENANT}), installed out of band like {@link #admin()}, when the
     * fixture can provide one; the metrics topic needs it. By default: {@link #admin()} when
     * {@link #tenant()} is the operator tenant, else empty (those tests are skipped).
     */
    default Optional<AccessContext> operatorAdmin() {
        return tenant().equals(SecretManager.OPERATOR_TENANT) ? Optional.of(admin()) : Optional.empty();
    }

    /**
     * A context whose principal may do everything in a second tenant, not {@link #tenant()} and not
     * the operator tenant (installed out of band like {@link #admin()}), when the fixture can
     * provide one. The tenancy test of a caller whose own tenant allows it everything on
     * {@code prod/*} needs it: a tenant's policies never open a path of another tenant. By
     * default empty, and that test is skipped.
     */
    default Optional<AccessContext> secondTenantAdmin() {
        return Optional.empty();
    }

    /**
     * The manager's envelope wrapped so that its calls are recorded, when the fixture can wrap it
     * (a {@link RecordingEnvelope} around the envelope the manager seals with); the
     * crypto-shredding tests need it. By default empty, and they are skipped.
     */
    default Optional<RecordingEnvelope> recordingEnvelope() {
        return Optional.empty();
    }

    /** The clock the manager reads, when the fixture can move it. */
    default Optional<MutableClock> clock() {
        return Optional.empty();
    }

    /** A switch that makes audit appends fail, when the fixture can inject that failure. */
    default Optional<AuditOutage> auditOutage() {
        return Optional.empty();
    }

    /**
     * Whether the manager can {@link SecretManager#purge purge}. {@code false} for a remote
     * manager whose API has no purge route (the reference server's REST API); the tests that call
     * {@code purge} are then skipped, not failed. Every in-process manager must return {@code true}.
     */
    default boolean canPurge() {
        return true;
    }

    /**
     * Whether {@link SecretManager#describe(AccessContext, dev.coffer.spi.model.SecretPath)} refuses
     * a caller who may not see the secret with {@code ACCESS_DENIED}. {@code false} for a remote
     * manager whose API has no describe-by-path route and answers it by listing, which hides such a
     * secret ({@code SECRET_NOT_FOUND}); only that one assertion is then skipped. Every in-process
     * manager must return {@code true}.
     */
    default boolean describeByPathReportsDenial() {
        return true;
    }

    /**
     * Whether {@code ctx.sourceIp()} reaches policy evaluation exactly as given, {@code null} and
     * unparseable text included. {@code false} for a remote manager, whose server takes the caller
     * address from the connection or a validated proxy header; the tests of unknown and
     * unparseable source addresses are then skipped, not failed. Every in-process manager must
     * return {@code true}.
     */
    default boolean sourceAddressReachesPoliciesAsGiven() {
        return true;
    }

    /**
     * An environment the manager was built to protect from force delete (the kernel's
     * {@code protectedEnvironments}), when it has one; the tests of the refusal need it.
     */
    default Optional<String> protectedEnvironment() {
        return Optional.empty();
    }

    /**
     * The rotation API and engine of the manager, with the contract's {@link
     * dev.coffer.tck.support.ScriptedRotator} installed; empty by default, and the rotation topic is
     * skipped. {@link KernelFixture} provides it when given a rotation store.
     */
    default Optional<Rotation> rotation() {
        return Optional.empty();
    }

    /**
     * The change stream's limits the manager was built with, when the fixture knows them (small
     * ones keep the tests short); the tests of a subscriber behind the window and of a resume past
     * the replay limit need them. Empty by default, and those tests are skipped.
     */
    default Optional<WatchLimits> watchLimits() {
        return Optional.empty();
    }

    /**
     * The change stream's limits: how many changes its in-memory window holds, and how many audit
     * events a subscription behind it may replay from the log before it is reset instead.
     */
    record WatchLimits(int window, long replayLimit) {}

    /** What the rotation topic drives. */
    interface Rotation {
        /** The rotation API. */
        dev.coffer.spi.rotation.RotationManager rotations();

        /** The engine, driven by the tests instead of a scheduler. */
        dev.coffer.spi.rotation.RotationEngine engine();

        /** The scripted rotator the manager knows as {@value dev.coffer.tck.support.ScriptedRotator#NAME}. */
        dev.coffer.tck.support.ScriptedRotator rotator();
    }

    @Override
    default void close() {}

    /** Turns audit failures on and off. */
    interface AuditOutage {
        /** While {@code true}, every audit append fails. */
        void failAppends(boolean failing);

        /**
         * While {@code true}, every audit append fails the way a log fails when its own storage is
         * down: with {@code STORE_UNAVAILABLE}, not {@code AUDIT_UNAVAILABLE}. The manager must still
         * refuse the call as {@code AUDIT_UNAVAILABLE}. {@code failAppends(false)} ends it too. A
         * fixture that cannot fail that way keeps this default, an ordinary {@link #failAppends}.
         */
        default void failAppendsAsStorageOutage(boolean failing) {
            failAppends(failing);
        }

        /**
         * While {@code true}, every audit append fails with an unchecked exception that is no
         * {@code SecretsException} (an {@code IllegalStateException}, as from a driver or a bug in
         * the log). The manager must still refuse the call as {@code AUDIT_UNAVAILABLE}.
         * {@code failAppends(false)} ends it too. A fixture that cannot fail that way keeps this
         * default, an ordinary {@link #failAppends}.
         */
        default void failAppendsUnexpectedly(boolean failing) {
            failAppends(failing);
        }

        /**
         * Relays the audit events of changes committed while appends failed, as the manager does
         * by itself once the log is back ({@code StandardSecretManager.relayAuditOutbox()}); called
         * by the contract after {@code failAppends(false)}. A manager that relays on its own (or
         * never lets events wait) keeps the default, which does nothing.
         */
        default void relayPending() {}

        /**
         * How many audit events of committed changes wait in the stores' outboxes for a relay
         * (at most {@code AuditOutbox.MAX_BATCH} are counted), when the fixture can tell and the
         * stores keep outboxes; empty by default, and the tests of what waits are skipped. Empty
         * too when every store's events join the log's own transaction (outbox
         * {@code AuditOutbox.none()}): nothing ever waits there.
         */
        default java.util.OptionalInt waitingEvents() {
            return java.util.OptionalInt.empty();
        }

        /** Whether {@link #loseReplies} is supported; by default not, and those tests are skipped. */
        default boolean canLoseReplies() {
            return false;
        }

        /**
         * While {@code true}, every audit append is written and then reported as failed, as when
         * the log's reply is lost: the event is in the log but the caller cannot know.
         */
        default void loseReplies(boolean losing) {
            throw new UnsupportedOperationException("this fixture cannot lose audit append replies");
        }
    }
}
