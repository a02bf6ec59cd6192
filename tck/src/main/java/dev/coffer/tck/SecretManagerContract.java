package dev.coffer.tck;

import dev.coffer.tck.manager.AliasContract;
import dev.coffer.tck.manager.AuditContract;
import dev.coffer.tck.manager.BreakGlassContract;
import dev.coffer.tck.manager.ConcurrencyContract;
import dev.coffer.tck.manager.ConditionContract;
import dev.coffer.tck.manager.DeletionContract;
import dev.coffer.tck.manager.DisclosureContract;
import dev.coffer.tck.manager.FailClosedContract;
import dev.coffer.tck.manager.LifecycleContract;
import dev.coffer.tck.manager.ListingContract;
import dev.coffer.tck.manager.ForceDeleteContract;
import dev.coffer.tck.manager.LabelMergeContract;
import dev.coffer.tck.manager.ByNameContract;
import dev.coffer.tck.manager.ManagerContractBase;
import dev.coffer.tck.manager.MetricsAccessContract;
import dev.coffer.tck.manager.PolicyMatrixContract;
import dev.coffer.tck.manager.PolicyRulesContract;
import dev.coffer.tck.manager.RotationContract;
import dev.coffer.tck.manager.ShreddingContract;
import dev.coffer.tck.manager.TenancyContract;
import dev.coffer.tck.manager.ValidationContract;
import dev.coffer.tck.manager.VersionContract;
import dev.coffer.tck.manager.VersionStateContract;
import dev.coffer.tck.manager.WatchContract;
import dev.coffer.tck.support.ContractNames;
import dev.coffer.tck.support.NoValueLeaks;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The end-to-end semantics of a {@link dev.coffer.spi.SecretManager}: lifecycle, versions and
 * derived statuses, compare-and-set aliases, disable/enable/destroy, the deletion window, the
 * policy matrix and conditions, what hidden secrets disclose (nothing), audit, fail-closed behaviour, break-glass, input validation,
 * concurrency, tenancy and the change stream ({@code watch}; skipped while a manager has none). The kernel ({@code StandardSecretManager}) passes it over any
 * conforming SPI parts; a remote implementation (the reference server behind a client) passes it
 * over the wire.
 *
 * <p>How a vendor runs it — extend it in {@code src/test} and hand out a fresh, empty manager per
 * test:
 *
 * <pre>{@code
 * class MySecretManagerTest extends SecretManagerContract {
 *     @Override
 *     protected ManagerFixture createFixture() {
 *         return new MyFixture();   // fresh manager, tenant, admin context; optional clock() and auditOutage()
 *     }
 * }
 * }</pre>
 *
 * <p>Each topic is a {@link Nested} class (JUnit discovers them through the subclass); every test
 * gets its own fixture from {@link #createFixture()}, closed afterwards. Tests that need to move
 * time ({@link ManagerFixture#clock()}) or to break the audit log
 * ({@link ManagerFixture#auditOutage()}) are skipped, not failed, when the fixture cannot. Every
 * test runs under {@link NoValueLeaks}: a test value in a log line, on the console or in an
 * exception fails it.
 *
 * <p>The topic bodies live in {@code dev.coffer.tck.manager}; this class only wires them to the
 * fixture. A subclass may add its own tests and use the helpers of {@link ManagerContractBase}.
 *
 * <p>How a failure reads: its message begins with the contract, the topic's nested class and the
 * test method ({@link ContractNames}), then states the rule that broke, the
 * {@link dev.coffer.spi.SecretManager} method and the values involved (path, version, alias,
 * principal, action, error code, event type; never a secret value), e.g.
 * {@code [SecretManagerContract › Listing › itemsShowTheCurrentVersionAndPendingDeletion] rule: ...}.
 * The topic is named by its class ({@code Listing}), not its display name. Surefire counts the
 * topics' tests under their display names ("Listing by label, current version, pending
 * deletion"), so the vendor's own class shows {@code Tests run: 0}; its failure list names each
 * failing test by the vendor's class and the method, followed by that message. A test the vendor
 * adds in its own subclass is named after that subclass.
 */
@ExtendWith({NoValueLeaks.class, ContractNames.class})
public abstract class SecretManagerContract extends ManagerContractBase {
    private ManagerFixture fixture;

    /** A fresh, empty manager for one test; closed after it. */
    protected abstract ManagerFixture createFixture();

    @BeforeEach
    final void openFixture() {
        fixture = Objects.requireNonNull(createFixture(), "createFixture() returned null");
    }

    @AfterEach
    final void closeFixture() throws Exception {
        if (fixture != null) {
            fixture.close();
            fixture = null;
        }
    }

    @Override
    protected final ManagerFixture fixture() {
        if (fixture == null) {
            throw new IllegalStateException("no fixture: the contract runs its tests only through JUnit");
        }
        return fixture;
    }

    @Nested
    @DisplayName("Lifecycle: create, read, describe, update, list")
    class Lifecycle extends LifecycleContract {
        @Override
        protected ManagerFixture fixture() {
            return SecretManagerContract.this.fixture();
        }
    }

    @Nested
    @DisplayName("Versions and derived statuses")
    class Versions extends VersionContract {
        @Override
        protected ManagerFixture fixture() {
            return SecretManagerContract.this.fixture();
        }
    }

    @Nested
    @DisplayName("Aliases and compare-and-set")
    class Aliases extends AliasContract {
        @Override
        protected ManagerFixture fixture() {
            return SecretManagerContract.this.fixture();
        }
    }

    @Nested
    @DisplayName("Disable, enable, destroy")
    class VersionStates extends VersionStateContract {
        @Override
        protected ManagerFixture fixture() {
            return SecretManagerContract.this.fixture();
        }
    }

    @Nested
    @DisplayName("Deletion window, restore, purge")
    class Deletion extends DeletionContract {
        @Override
        protected ManagerFixture fixture() {
            return SecretManagerContract.this.fixture();
        }
    }

    @Nested
    @DisplayName("Policy matrix: every operation against its action")
    class PolicyMatrix extends PolicyMatrixContract {
        @Override
        protected ManagerFixture fixture() {
            return SecretManagerContract.this.fixture();
        }
    }

    @Nested
    @DisplayName("Policy rules: deny wins, globs, groups, resource patterns")
    class PolicyRules extends PolicyRulesContract {
        @Override
        protected ManagerFixture fixture() {
            return SecretManagerContract.this.fixture();
        }
    }

    @Nested
    @DisplayName("Policy conditions")
    class PolicyConditions extends ConditionContract {
        @Override
        protected ManagerFixture fixture() {
            return SecretManagerContract.this.fixture();
        }
    }

    @Nested
    @DisplayName("Disclosure: hidden secrets leave no trace in listings, page tokens or answers by name")
    class Disclosure extends DisclosureContract {
        @Override
        protected ManagerFixture fixture() {
            return SecretManagerContract.this.fixture();
        }
    }

    @Nested
    @DisplayName("Audit")
    class Audit extends AuditContract {
        @Override
        protected ManagerFixture fixture() {
            return SecretManagerContract.this.fixture();
        }
    }

    @Nested
    @DisplayName("Fail closed when audit is down")
    class FailClosed extends FailClosedContract {
        @Override
        protected ManagerFixture fixture() {
            return SecretManagerContract.this.fixture();
        }
    }

    @Nested
    @DisplayName("Break-glass")
    class BreakGlass extends BreakGlassContract {
        @Override
        protected ManagerFixture fixture() {
            return SecretManagerContract.this.fixture();
        }
    }

    @Nested
    @DisplayName("Input validation")
    class InputValidation extends ValidationContract {
        @Override
        protected ManagerFixture fixture() {
            return SecretManagerContract.this.fixture();
        }
    }

    @Nested
    @DisplayName("Concurrency")
    class Concurrency extends ConcurrencyContract {
        @Override
        protected ManagerFixture fixture() {
            return SecretManagerContract.this.fixture();
        }
    }

    @Nested
    @DisplayName("Tenancy")
    class Tenancy extends TenancyContract {
        @Override
        protected ManagerFixture fixture() {
            return SecretManagerContract.this.fixture();
        }
    }

    @Nested
    @DisplayName("Metrics access: secrets:metrics in the operator tenant")
    class MetricsAccess extends MetricsAccessContract {
        @Override
        protected ManagerFixture fixture() {
            return SecretManagerContract.this.fixture();
        }
    }
    @Nested
    @DisplayName("Operations by name: no describe first, same denial for absent and forbidden")
    class ByName extends ByNameContract {
        @Override
        protected ManagerFixture fixture() {
            return SecretManagerContract.this.fixture();
        }
    }

    @Nested
    @DisplayName("Label merge: atomic, within the limits")
    class LabelMerge extends LabelMergeContract {
        @Override
        protected ManagerFixture fixture() {
            return SecretManagerContract.this.fixture();
        }
    }

    @Nested
    @DisplayName("Force delete and protected environments")
    class ForceDelete extends ForceDeleteContract {
        @Override
        protected ManagerFixture fixture() {
            return SecretManagerContract.this.fixture();
        }
    }

    @Nested
    @DisplayName("Listing by label and by a caller allowed deep inside a prefix, current version, pending deletion")
    class Listing extends ListingContract {
        @Override
        protected ManagerFixture fixture() {
            return SecretManagerContract.this.fixture();
        }
    }

    @Nested
    @DisplayName("Crypto-shredding: each value's keys released once, after the change")
    class Shredding extends ShreddingContract {
        @Override
        protected ManagerFixture fixture() {
            return SecretManagerContract.this.fixture();
        }
    }

    @Nested
    @DisplayName("Rotation engine: schedule, resume, single flight, backoff, abandon, overlap, rollback")
    class Rotation extends RotationContract {
        @Override
        protected ManagerFixture fixture() {
            return SecretManagerContract.this.fixture();
        }
    }

    @Nested
    @DisplayName("Change stream: kinds, visibility, resume, reset, audit once, no values")
    class Watch extends WatchContract {
        @Override
        protected ManagerFixture fixture() {
            return SecretManagerContract.this.fixture();
        }
    }
}
