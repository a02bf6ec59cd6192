package dev.coffer.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.jdbi.testing.TestDatabase;
import dev.coffer.jdbi.testing.UseH2;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditKeys;
import dev.coffer.spi.audit.AuditVerification;
import dev.coffer.spi.memory.InMemoryAuditAnchor;
import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.model.Secret;
import dev.coffer.tck.support.Expect;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The storage behaviours on H2, plus what only the embedded file mode has to show. */
@ExtendWith(UseH2.class)
class H2StorageTest extends StorageBehaviourTests {
    @Override
    TestDatabase database() {
        return UseH2.database();
    }

    @Override
    void refuseAuditInserts(boolean refuse) {
        database().sql().useHandle(h -> h.execute(refuse
                ? "CREATE TRIGGER refuse_audit_insert BEFORE INSERT ON audit_events FOR EACH ROW CALL '"
                        + RefuseInsert.class.getName() + "'"
                : "DROP TRIGGER refuse_audit_insert"));
    }

    /** An H2 trigger that refuses every row, as a read-only or broken audit table would. */
    public static final class RefuseInsert implements org.h2.api.Trigger {
        @Override
        public void fire(java.sql.Connection conn, Object[] oldRow, Object[] newRow) throws java.sql.SQLException {
            throw new java.sql.SQLException("audit inserts refused by the test", "42501");
        }
    }

    @Test
    void fileDatabaseKeepsSecretsVersionsAndTheAuditChainAcrossReopen() throws Exception {
        Path dir = Files.createTempDirectory("coffer-h2-reopen");
        try {
            Secret secret;
            SealedValue stored = sealed();
            AuditProtection protection = AuditProtection.of(AuditKeys.random(), new InMemoryAuditAnchor());
            try (CofferDatabase first = CofferDatabase.open(DatabaseConfig.h2File(dir), protection)) {
                db = first;
                secret = createSecret("prod/db/password");
                first.secretStore().addVersion(TENANT, secret.id(), n -> stored, "user:alice", T0, null, true,
                        added -> first.auditLog().append(draft(AuditEventType.VERSION_ADD).build()));
                first.auditLog().append(draft(AuditEventType.SECRET_READ).build());
            }
            assertTrue(Files.exists(dir.resolve("coffer.mv.db")));

            try (CofferDatabase reopened = CofferDatabase.open(DatabaseConfig.h2File(dir), protection)) {
                assertEquals(secret.id(), reopened.secretStore().findSecretByPath(secret.path()).orElseThrow().id());
                assertEquals(stored, reopened.secretStore().loadSealedValue(TENANT, secret.id(), 1).orElseThrow());
                assertEquals(1, reopened.secretStore().aliases(TENANT, secret.id()).get("current").getAsInt());
                AuditVerification verification = reopened.auditLog().verify(TENANT);
                assertTrue(verification.intact(), verification::problem);
                assertEquals(2, verification.eventsChecked());
                assertEquals(2, verification.checkpointsChecked(), "the checkpoints taken at close and at reopen");
                assertEquals(3, reopened.auditLog().append(draft(AuditEventType.SECRET_READ).build()).seq());
            }
        } finally {
            TestDatabase.deleteTree(dir);
        }
    }

    @Test
    void migrationsOffOnAnEmptyDatabaseFailsAtStartWithAClearMessage() throws Exception {
        Path dir = Files.createTempDirectory("coffer-h2-empty");
        try {
            DatabaseConfig unmigrated = DatabaseConfig.h2File(dir).toBuilder().migrateOnStart(false).build();

            UnavailableException thrown = Expect.thrown(UnavailableException.class, ErrorCode.STORE_UNAVAILABLE,
                    () -> CofferDatabase.open(unmigrated, UseH2.database().protection()).close());

            assertTrue(thrown.getMessage().contains("migrate"), thrown.getMessage());
        } finally {
            TestDatabase.deleteTree(dir);
        }
    }
}
