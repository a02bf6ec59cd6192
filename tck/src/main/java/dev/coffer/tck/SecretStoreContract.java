package dev.coffer.tck;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.store.AuditOutbox;
import dev.coffer.spi.store.SecretStore;
import dev.coffer.tck.support.ContractNames;
import dev.coffer.tck.support.NoValueLeaks;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract every {@link SecretStore} must meet, as JUnit Jupiter tests. A vendor extends this
 * class in its own test sources and returns a fresh, empty store from {@link #newStore()}; the
 * inherited nested groups then run against it:
 *
 * <pre>{@code
 * class JdbiSecretStoreTest extends SecretStoreContract {
 *     @Override
 *     protected SecretStore newStore() {
 *         return new JdbiSecretStore(H2.freshDatabase());
 *     }
 * }
 * }</pre>
 *
 * <p>What is proved, group by group:
 * <ul>
 *   <li>{@code Secrets}: create, find by id and path, update, list (ordered by environment then
 *       path, filtered, paginated), delete; unique paths, including secrets pending deletion;
 *       tenant isolation;</li>
 *   <li>{@code Versions}: numbers from 1 without gap, the sealer gets the allocated number, sealed
 *       values round-trip as copies, compare-and-set state transitions, destroy;</li>
 *   <li>{@code AliasMoves}: compare-and-set alias moves, {@code previous} and
 *       {@code lastRotatedAt} maintained with {@code current}, targets must be enabled;</li>
 *   <li>{@code Reads}: {@link SecretStore#findForRead} answers what the separate lookups answer
 *       (by number; by the aliases current, previous, next and a named one; an unset alias; a
 *       missing version; disabled, destroyed; a secret pending deletion; another tenant's path;
 *       no secret);</li>
 *   <li>{@code Audit}: the events a {@link dev.coffer.spi.store.BeforeCommit} hook returns are
 *       committed with the change, exactly once, unchanged and in order (also when concurrent
 *       writers make the store retry); none of a refused or undone change; the
 *       {@link AuditOutbox} hands them out oldest first and forgets what is acknowledged;</li>
 *   <li>{@code Atomicity}: a failing hook undoes its change and the caller gets the hook's own
 *       exception; concurrent adds, promotes and creates stay consistent.</li>
 * </ul>
 * No sealed value ever needs to be opened: the store treats it as opaque bytes, so the tests
 * seal with random bytes. If the store implements {@link AutoCloseable} it is closed after each
 * test. Every test runs under {@link NoValueLeaks}.
 *
 * <p>How a failure reads: its message begins with the contract, the group and the test method
 * ({@link ContractNames}), then states the rule that broke, the SPI method and the values involved
 * (tenant, secret id, path, version, alias, state, error code; never a secret value), e.g.
 *
 * <pre>
 * [SecretStoreContract › Versions › everyTransitionPairOutsideTheAllowedFourIsRefusedAndChangesNothing]
 *     rule: transitionVersion refuses DESTROYED -> ENABLED (...) with STATE_CONFLICT; version 1 of tck-acme:prod/pairs/refused-2
 * </pre>
 *
 * Surefire counts the groups' tests under {@code dev.coffer.tck.SecretStoreContract$Versions} and
 * the like, so the vendor's own class shows {@code Tests run: 0}; its failure list names each
 * failing test by the vendor's class and the method, followed by that message.
 */
@ExtendWith({NoValueLeaks.class, ContractNames.class})
public abstract class SecretStoreContract {

    /** A fresh store holding nothing, called once per test. */
    protected abstract SecretStore newStore();

    /**
     * The audit events {@code store} committed with its changes, oldest first, as the
     * {@code Audit} group checks them. By default the store's {@link AuditOutbox#pending} events.
     * A store whose {@link SecretStore#auditOutbox()} is {@link AuditOutbox#none()} writes them into
     * the audit log it shares a transaction with, and must override this to read them from there
     * (chained events are compared without their seq and hashes).
     */
    protected List<AuditEvent> committedAuditEvents(SecretStore store) {
        AuditOutbox outbox = store.auditOutbox();
        if (!outbox.holdsEvents()) {
            throw new AssertionError("this store's auditOutbox() is AuditOutbox.none(): override"
                    + " SecretStoreContract.committedAuditEvents to read its events from the audit log it writes them to");
        }
        // Read without acknowledging: the tests commit far fewer than MAX_BATCH events.
        return new ArrayList<>(outbox.pending(AuditOutbox.MAX_BATCH));
    }

    /** Secrets as metadata: create, find, update, list, delete; tenants. */
    @Nested
    class Secrets extends SecretStoreMetadataTests {
        @Override
        SecretStore freshStore() {
            return newStore();
        }
    }

    /** Versions: numbering, sealing, sealed values, state transitions. */
    @Nested
    class Versions extends SecretStoreVersionTests {
        @Override
        SecretStore freshStore() {
            return newStore();
        }
    }

    /** Aliases: compare-and-set moves and their targets. */
    @Nested
    class AliasMoves extends SecretStoreAliasTests {
        @Override
        SecretStore freshStore() {
            return newStore();
        }
    }

    /** One call for what a read needs, equal to the separate lookups. */
    @Nested
    class Reads extends SecretStoreReadTests {
        @Override
        SecretStore freshStore() {
            return newStore();
        }
    }

    /** Audit events committed with their change: once, unchanged, in order; the outbox rules. */
    @Nested
    class Audit extends SecretStoreAuditTests {
        @Override
        SecretStore freshStore() {
            return newStore();
        }

        @Override
        List<AuditEvent> committedEvents() {
            return committedAuditEvents(store);
        }
    }

    /** Hooks that fail, and concurrent writers. */
    @Nested
    class Atomicity extends SecretStoreAtomicityTests {
        @Override
        SecretStore freshStore() {
            return newStore();
        }
    }
}
