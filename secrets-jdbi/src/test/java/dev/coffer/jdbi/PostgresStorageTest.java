package dev.coffer.jdbi;

import dev.coffer.jdbi.testing.TestDatabase;
import dev.coffer.jdbi.testing.UsePostgres;
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
}
