package dev.coffer.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coffer.jdbi.testing.TestDatabase;
import dev.coffer.jdbi.testing.UsePostgres;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.tck.support.Expect;
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
