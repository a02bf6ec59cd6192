package dev.coffer.jdbi;

import dev.coffer.jdbi.testing.TestDatabase;
import dev.coffer.jdbi.testing.UsePostgres;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The policy cache across instances: the writer is a second {@link CofferDatabase} on the same
 * PostgreSQL database, with its own pool and its own cache, as a second server process would be.
 */
@ExtendWith(UsePostgres.class)
class PostgresPolicyCacheTest extends PolicyCacheTests {
    @Override
    TestDatabase database() {
        return UsePostgres.database();
    }

    @Override
    CofferDatabase openWriter(TestDatabase database) {
        return CofferDatabase.open(database.config().toBuilder().migrateOnStart(false).build(), database.protection());
    }

    @Override
    void closeWriter(CofferDatabase writer) {
        writer.close();
    }
}
