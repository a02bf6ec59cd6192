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
}
