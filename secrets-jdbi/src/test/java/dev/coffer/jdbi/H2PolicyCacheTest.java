package dev.coffer.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coffer.jdbi.testing.TestDatabase;
import dev.coffer.jdbi.testing.UseH2;
import dev.coffer.spi.access.Policy;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The policy cache on the embedded default: the writer is a second {@link CofferDatabase} on the
 * same H2 file in this JVM (no other process can open it), so the tests prove that a change made
 * through either is seen by the other's cache without asking the database.
 */
@ExtendWith(UseH2.class)
class H2PolicyCacheTest extends PolicyCacheTests {
    @Override
    TestDatabase database() {
        return UseH2.database();
    }

    @Override
    CofferDatabase openWriter(TestDatabase database) {
        return CofferDatabase.open(database.config().toBuilder().migrateOnStart(false).build(), database.protection());
    }

    @Override
    void closeWriter(CofferDatabase writer) {
        writer.close();
    }

    /**
     * On embedded H2 the cache is validated by the changes this JVM makes through the stores, not
     * by {@code policy_generation}: plain SQL behind the stores' back is not seen, whatever it
     * sets, and the next change through any store of the database reloads.
     */
    @Override
    @Test
    void theReaderServesItsCacheUntilTheGenerationMoves() {
        put(Policy.allow("alice-reads", List.of(ALICE), List.of("secrets:read"), List.of("prod/*")));
        assertEquals(2, reader.policyStore().list(TENANT).size(), "admin and alice-reads, loaded into the reader's cache");

        database().sql().useHandle(h -> h.execute("DELETE FROM policies WHERE name = 'alice-reads'"));
        database().sql().useHandle(h -> h.execute("UPDATE tenants SET policy_generation = nextval('policy_generation_seq')"));
        assertEquals(2, reader.policyStore().list(TENANT).size(), "no change through the stores: the cache answers");

        put(Policy.allow("bob-reads", List.of("user:bob"), List.of("secrets:read"), List.of("prod/*")));
        assertEquals(List.of("admin", "bob-reads"), reader.policyStore().list(TENANT).stream().map(Policy::name).sorted().toList(),
                "a change through the writer reloads the reader");
    }
}
