package dev.coffer.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.jdbi.testing.TestDatabase;
import dev.coffer.jdbi.testing.UseH2;
import dev.coffer.spi.audit.AuditChain;
import dev.coffer.spi.audit.AuditEvent;
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
import java.util.List;
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
                        added -> List.of(draft(AuditEventType.VERSION_ADD).build()));
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
    void eventsWrittenBeforeKeyingStayVerifiableAndAreAnchoredByTheFirstKeyedEvent() throws Exception {
        Path dir = Files.createTempDirectory("coffer-h2-upgrade");
        try {
            DatabaseConfig config = DatabaseConfig.h2File(dir);
            // A database as version 1 left it: three events chained with plain SHA-256, without ids.
            org.flywaydb.core.Flyway.configure().dataSource(config.jdbcUrl(), config.user(), null)
                    .locations(dev.coffer.jdbi.internal.Migrations.COMMON, "classpath:db/migration/h2")
                    .failOnMissingLocations(false).target("1").load().migrate();
            org.jdbi.v3.core.Jdbi v1 = org.jdbi.v3.core.Jdbi.create(config.jdbcUrl(), config.user(), "");
            List<AuditEvent> legacy = new java.util.ArrayList<>();
            String prev = AuditChain.GENESIS;
            for (int i = 1; i <= 3; i++) {
                AuditEvent e = idless(draft(AuditEventType.SECRET_READ).build(), i, prev, AuditChain.unkeyed());
                legacy.add(e);
                prev = e.hash();
            }
            v1.useTransaction(h -> {
                for (AuditEvent e : legacy) {
                    insertRow(h, e);
                }
                h.createUpdate("UPDATE audit_head SET last_seq = 3, last_hash = :hash WHERE id = 1")
                        .bind("hash", legacy.get(2).hash()).execute();
            });

            AuditProtection protection = AuditProtection.of(AuditKeys.random(), new InMemoryAuditAnchor());
            try (CofferDatabase upgraded = CofferDatabase.open(config, protection)) {
                assertEquals(4L, (long) v1.withHandle(h -> h.createQuery("SELECT keyed_from FROM audit_head").mapTo(Long.class).one()),
                        "the keyed chain starts after the old events");
                AuditEvent keyed = upgraded.auditLog().append(draft(AuditEventType.SECRET_READ).build());
                assertEquals(4, keyed.seq());
                assertEquals(legacy.get(2).hash(), keyed.prevHash(), "the first keyed event covers the old chain's end");
                AuditVerification verification = upgraded.auditLog().verify(TENANT);
                assertTrue(verification.intact(), verification::problem);
                assertEquals(4, verification.eventsChecked());

                // Rewriting an old event and its unkeyed successors is now caught: the checkpoint taken
                // when the upgraded database opened anchors the old chain's end (event 3), and the
                // first keyed event covers its hash.
                v1.useTransaction(h -> {
                    AuditEvent forged = idless(withReason(legacy.get(1), "rewritten"), 2, legacy.get(0).hash(), AuditChain.unkeyed());
                    AuditEvent rechained = idless(legacy.get(2), 3, forged.hash(), AuditChain.unkeyed());
                    h.execute("DELETE FROM audit_events WHERE seq IN (2, 3)");
                    insertRow(h, forged);
                    insertRow(h, rechained);
                });
                AuditVerification broken = upgraded.auditLog().verify(TENANT);
                assertEquals(3, broken.firstBrokenSeq(), broken::problem);
                assertTrue(broken.problem().contains("checkpoint"), broken.problem());
            }
        } finally {
            TestDatabase.deleteTree(dir);
        }
    }

    private static AuditEvent withReason(AuditEvent e, String reason) {
        return AuditEvent.builder(e.eventType(), e.tenant(), e.principal(), e.requestId(), e.decision(), e.createdAt())
                .secret(e.environment(), e.path()).reason(reason).build();
    }

    private static void insertRow(org.jdbi.v3.core.Handle h, AuditEvent e) {
        // The columns of schema version 1, which has no event_id.
        h.createUpdate("INSERT INTO audit_events (seq, event_type, tenant, environment, path, principal, request_id, decision,"
                        + " reason, created_at, prev_hash, hash) VALUES (:seq, :type, :tenant, :env, :path, :principal, :req,"
                        + " :decision, :reason, :at, :prev, :hash)")
                .bind("seq", e.seq()).bind("type", e.eventType().name()).bind("tenant", e.tenant()).bind("env", e.environment())
                .bind("path", e.path()).bind("principal", e.principal()).bind("req", e.requestId())
                .bind("decision", e.decision().name()).bind("reason", e.reason())
                .bind("at", e.createdAt().atOffset(java.time.ZoneOffset.UTC)).bind("prev", e.prevHash()).bind("hash", e.hash())
                .execute();
    }

    @Test
    void eventsWrittenBeforeEventIdsGetNoneInTheMigrationAndKeepVerifying() throws Exception {
        Path dir = Files.createTempDirectory("coffer-h2-ids");
        try {
            DatabaseConfig config = DatabaseConfig.h2File(dir);
            AuditProtection protection = AuditProtection.of(AuditKeys.random(), new InMemoryAuditAnchor());
            AuditChain chain = protection.keys(null).chain();
            // A database as version 3 left it: keyed events without ids.
            org.flywaydb.core.Flyway.configure().dataSource(config.jdbcUrl(), config.user(), null)
                    .locations(dev.coffer.jdbi.internal.Migrations.COMMON, "classpath:db/migration/h2")
                    .failOnMissingLocations(false).target("3").load().migrate();
            org.jdbi.v3.core.Jdbi v3 = org.jdbi.v3.core.Jdbi.create(config.jdbcUrl(), config.user(), "");
            List<AuditEvent> legacy = new java.util.ArrayList<>();
            String prev = AuditChain.GENESIS;
            for (int i = 1; i <= 3; i++) {
                AuditEvent e = idless(draft(AuditEventType.SECRET_READ).build(), i, prev, chain);
                legacy.add(e);
                prev = e.hash();
            }
            v3.useTransaction(h -> {
                for (AuditEvent e : legacy) {
                    insertRow(h, e);
                }
                h.createUpdate("UPDATE audit_head SET last_seq = 3, last_hash = :hash WHERE id = 1")
                        .bind("hash", legacy.get(2).hash()).execute();
            });

            try (CofferDatabase upgraded = CofferDatabase.open(config, protection)) {
                AuditEvent draft = draft(AuditEventType.SECRET_READ).build();
                AuditEvent appended = upgraded.auditLog().append(draft);
                assertEquals(4, appended.seq());
                assertEquals(appended, upgraded.auditLog().append(draft), "idempotent on the upgraded database");
                List<String> ids = v3.withHandle(h -> h.createQuery("SELECT event_id FROM audit_events ORDER BY seq")
                        .mapTo(String.class).list());
                assertEquals(java.util.Arrays.asList(null, null, null, draft.id()), ids);
                AuditVerification verification = upgraded.auditLog().verify(TENANT);
                assertTrue(verification.intact(), verification::problem);
                assertEquals(4, verification.eventsChecked());
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
