package dev.coffer.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.jdbi.testing.TestDatabase;
import dev.coffer.jdbi.testing.UsePostgres;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.model.Secret;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.NoValueLeaks;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The storage behaviours on PostgreSQL. */
@ExtendWith(UsePostgres.class)
class PostgresStorageTest extends StorageBehaviourTests {
    @Override
    TestDatabase database() {
        return UsePostgres.database();
    }

    @Override
    void refuseAuditInserts(boolean refuse) {
        // A trigger rather than REVOKE: the tests connect as the superuser, whom no privilege binds.
        database().sql().useHandle(h -> h.execute(refuse
                ? "CREATE FUNCTION refuse_audit_insert() RETURNS trigger LANGUAGE plpgsql AS"
                        + " $$ BEGIN RAISE EXCEPTION 'audit inserts refused by the test'; END $$;"
                        + " CREATE TRIGGER refuse_audit_insert BEFORE INSERT ON audit_events"
                        + " FOR EACH ROW EXECUTE FUNCTION refuse_audit_insert()"
                : "DROP TRIGGER refuse_audit_insert ON audit_events; DROP FUNCTION refuse_audit_insert()"));
    }

    @Test
    void aChangeWhoseCommitFailsLeavesNeitherTheChangeNorItsEvents() {
        Secret secret = createSecret("prod/db/password");
        // A constraint trigger deferred to COMMIT: the change and its events are written, then the commit fails.
        database().sql().useHandle(h -> h.execute("CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS"
                + " $$ BEGIN RAISE EXCEPTION 'commit refused by the test'; END $$;"
                + " CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER INSERT ON audit_events DEFERRABLE INITIALLY DEFERRED"
                + " FOR EACH ROW WHEN (NEW.event_type = 'VERSION_ADD') EXECUTE FUNCTION refuse_at_commit()"));
        AuditEvent versionAdd = draft(AuditEventType.VERSION_ADD).version(1).build();
        AtomicBoolean prepared = new AtomicBoolean();
        try {
            UnavailableException thrown = Expect.thrown(UnavailableException.class, ErrorCode.STORE_UNAVAILABLE,
                    () -> db.secretStore().addVersion(TENANT, secret.id(), n -> sealed(), "user:alice", T0, null, true, added -> {
                        prepared.set(true);
                        return List.of(versionAdd, draft(AuditEventType.ALIAS_MOVE).version(1).build());
                    }));
            NoValueLeaks.assertNoValueIn(thrown);
        } finally {
            database().sql().useHandle(h -> h.execute("DROP TRIGGER refuse_at_commit ON audit_events;"
                    + " DROP FUNCTION refuse_at_commit()"));
        }

        assertTrue(prepared.get(), "the commit failed after prepare");
        assertTrue(db.secretStore().listVersions(TENANT, secret.id()).isEmpty(), "no version");
        assertTrue(db.secretStore().aliases(TENANT, secret.id()).byName().isEmpty(), "no alias");
        assertTrue(eventTypes().isEmpty(), "no event of the change");
        assertEquals(1, db.auditLog().append(versionAdd).seq(), "the id was not taken, nor a seq");
        assertEquals(1, db.secretStore().addVersion(TENANT, secret.id(), n -> sealed(), "user:alice", T0, null, true,
                added -> List.of(draft(AuditEventType.VERSION_ADD).build())).number(), "nor the version number");
        assertTrue(db.auditLog().verify(TENANT).intact());
    }

    @Test
    void appendProbeFailsWhileInsertIsRevokedFromTheApplicationsRole() {
        String role = "coffer_app_" + Long.toHexString(System.nanoTime());
        database().sql().useHandle(h -> {
            h.execute("CREATE ROLE " + role + " LOGIN");
            h.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + role);
        });
        try {
            try (CofferDatabase app = CofferDatabase.open(database().config().toBuilder().user(role).migrateOnStart(false).build(),
                    database().protection())) {
                app.auditLog().probeAppend();

                database().sql().useHandle(h -> h.execute("REVOKE INSERT ON audit_events FROM " + role));
                Expect.thrown(UnavailableException.class, ErrorCode.AUDIT_UNAVAILABLE, () -> app.auditLog().probeAppend());
                Expect.thrown(UnavailableException.class, ErrorCode.AUDIT_UNAVAILABLE,
                        () -> app.auditLog().append(draft(AuditEventType.SECRET_READ).build()));

                database().sql().useHandle(h -> h.execute("GRANT INSERT ON audit_events TO " + role));
                app.auditLog().probeAppend();
                assertEquals(1, app.auditLog().append(draft(AuditEventType.SECRET_READ).build()).seq());
            }
        } finally {
            database().sql().useHandle(h -> {
                h.execute("DROP OWNED BY " + role);
                h.execute("DROP ROLE " + role);
            });
        }
    }
}
