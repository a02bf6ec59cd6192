package dev.coffer.jdbi.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.jdbi.DatabaseConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

/** The sequence-lock protocol of {@link LocalChanges}, step by step, and who gets one at all. */
class LocalChangesTest {
    @Test
    void aReadTakenWhileNothingChangesStaysCurrentUntilTheNextChangeBegins() {
        LocalChanges changes = LocalChanges.unshared();
        long stamp = changes.stamp();
        assertTrue(stamp >= 0);
        assertTrue(changes.isCurrent(stamp), "nothing changed");

        changes.begin();
        assertFalse(changes.isCurrent(stamp), "a change began: what was read before it is no longer current, before it commits");
        assertEquals(-1, changes.stamp(), "nothing read while a change is in flight may be cached");
        changes.end();
        assertFalse(changes.isCurrent(stamp));
        long after = changes.stamp();
        assertTrue(after >= 0 && changes.isCurrent(after), "once it ended, reads can be cached again");
    }

    @Test
    void aReadThatOverlapsAChangeIsNeverCurrent() {
        LocalChanges changes = LocalChanges.unshared();
        long stamp = changes.stamp();
        changes.begin(); // a change begins while the read runs
        changes.end();
        assertFalse(changes.isCurrent(stamp), "the read may have seen the rows before the commit");
        assertFalse(changes.isCurrent(-1), "the in-flight stamp is never current");
    }

    @Test
    void withManyChangesInFlightNothingIsCachedUntilTheLastEnds() {
        LocalChanges changes = LocalChanges.unshared();
        changes.begin();
        changes.begin();
        changes.end();
        assertEquals(-1, changes.stamp(), "one change is still in flight");
        changes.end();
        assertTrue(changes.stamp() >= 0);
    }

    @Test
    void onlyADatabaseNoOtherProcessCanWriteHasOne() throws Exception {
        // Decided by the URL before any connection is made (the pool is not touched).
        assertNull(LocalChanges.acquire(null, "jdbc:postgresql://127.0.0.1:5432/test"));
        assertNull(LocalChanges.acquire(null, "jdbc:h2:file:/tmp/x;AUTO_SERVER=TRUE"));
        assertNull(LocalChanges.acquire(null, "jdbc:h2:file:/tmp/x;file_lock=no"));
    }

    @Test
    void usersOfOneEmbeddedDatabaseShareOneAndTheLastReleaseForgetsIt() throws Exception {
        String url = DatabaseConfig.builder("jdbc:h2:mem:local-changes-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1").build().jdbcUrl();
        try (HikariDataSource a = pool(url); HikariDataSource b = pool(url)) {
            LocalChanges first = LocalChanges.acquire(a, url);
            LocalChanges second = LocalChanges.acquire(b, url);
            assertSame(first, second, "two pools on one database count one set of changes");
            first.release();
            assertSame(second, LocalChanges.acquire(b, url), "still in use by the second");
            second.release();
            second.release();
            assertNotSame(second, LocalChanges.acquire(a, url), "after the last release a new user starts afresh");
        }
    }

    private static HikariDataSource pool(String url) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setUsername("coffer");
        pool.setMaximumPoolSize(1);
        return pool;
    }
}
