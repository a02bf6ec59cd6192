package dev.coffer.jdbi;

import dev.coffer.jdbi.testing.TestDatabase;
import dev.coffer.jdbi.testing.UseH2;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The policy cache on the embedded default: one instance (H2 in file mode is one process's), so
 * the writer's kernel and the reader's share the store and its cache; the tests prove the cache
 * follows every change made through it.
 */
@ExtendWith(UseH2.class)
class H2PolicyCacheTest extends PolicyCacheTests {
    @Override
    TestDatabase database() {
        return UseH2.database();
    }

    @Override
    CofferDatabase openWriter(TestDatabase database) {
        return database.db();
    }

    @Override
    void closeWriter(CofferDatabase writer) {
        // the shared instance stays open for the other tests of the run
    }
}
