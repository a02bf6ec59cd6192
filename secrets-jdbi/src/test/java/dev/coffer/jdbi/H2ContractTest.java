package dev.coffer.jdbi;

import dev.coffer.jdbi.testing.JdbiFixture;
import dev.coffer.jdbi.testing.SqlTampering;
import dev.coffer.jdbi.testing.UseH2;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.store.PolicyStore;
import dev.coffer.spi.store.RotationStore;
import dev.coffer.spi.store.SecretStore;
import dev.coffer.spi.store.TenantKeyStore;
import dev.coffer.tck.AuditLogContract;
import dev.coffer.tck.ManagerFixture;
import dev.coffer.tck.PolicyStoreContract;
import dev.coffer.tck.RotationStoreContract;
import dev.coffer.tck.SecretManagerContract;
import dev.coffer.tck.SecretStoreContract;
import dev.coffer.tck.TenantKeyStoreContract;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;

/** The whole TCK on H2 in file mode, the embedded default: every SPI suite and the manager suite. */
@ExtendWith(UseH2.class)
class H2ContractTest {

    @Nested
    class Store extends SecretStoreContract {
        @Override
        protected SecretStore newStore() {
            return UseH2.database().reset().secretStore();
        }

        @Override
        protected List<AuditEvent> committedAuditEvents(SecretStore store) {
            return UseH2.database().auditEvents();
        }
    }

    @Nested
    class TenantKeys extends TenantKeyStoreContract {
        @Override
        protected TenantKeyStore newTenantKeyStore() {
            return UseH2.database().reset().tenantKeyStore();
        }
    }

    @Nested
    class Audit extends AuditLogContract {
        @Override
        protected AuditLog newAuditLog() {
            return UseH2.database().reset().auditLog();
        }

        // JdbiAuditLog takes this checkpoint on the thread whose commit reaches the count, before
        // that append returns, so the contract's Checkpoints group needs no waiting.
        @Override
        protected OptionalInt checkpointsEvery() {
            return OptionalInt.of(JdbiAuditLog.CHECKPOINT_EVERY_EVENTS);
        }

        @Override
        protected Optional<AuditTampering> tampering(AuditLog log) {
            return Optional.of(new SqlTampering(UseH2.database().sql()));
        }
    }

    @Nested
    class Policies extends PolicyStoreContract {
        @Override
        protected PolicyStore newPolicyStore() {
            return UseH2.database().reset().policyStore();
        }

        @Override
        protected List<AuditEvent> committedAuditEvents(PolicyStore store) {
            return UseH2.database().auditEvents();
        }
    }

    @Nested
    class Rotations extends RotationStoreContract {
        @Override
        protected RotationStore newRotationStore() {
            return UseH2.database().reset().rotationStore();
        }

        @Override
        protected List<AuditEvent> committedAuditEvents(RotationStore store) {
            return UseH2.database().auditEvents();
        }
    }

    @Nested
    class Manager extends SecretManagerContract {
        @Override
        protected ManagerFixture createFixture() {
            return JdbiFixture.over(UseH2.database().reset());
        }
    }
}
