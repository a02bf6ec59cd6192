package dev.coffer.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.tck.support.Await;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.h2.store.fs.Recorder;
import org.h2.store.fs.rec.FilePathRec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cause of the forked alias moves on H2, replayed step by step on real H2 (no Coffer code in
 * between): a transaction that waited for a row lock re-runs a query its connection ran while
 * the lock holder's change was uncommitted. H2 wakes the waiter as soon as the holder's rows are
 * visible, but advances the "modification id" that guards its result reuse only after the
 * holder's commit has also been written to the file. Here the file write is held (through H2's
 * recording file system) until the waiter has read, so the window that races open now and then
 * is open every time.
 */
class H2StaleReadTest {
    private static final BlockingRecorder RECORDER = new BlockingRecorder();
    private static final String READ_ALIAS = "SELECT version FROM alias WHERE id = ?";

    @TempDir
    Path dir;

    @BeforeAll
    static void recordFileWrites() {
        FilePathRec.register();
        FilePathRec.setRecorder(RECORDER);
    }

    @Test
    void aTransactionThatWaitedForARowLockReadsWhatTheHolderCommitted() throws Exception {
        String url = DatabaseConfig.builder("jdbc:h2:rec:file:" + dir.resolve("coffer")).build().jdbcUrl();

        assertEquals(6, aliasReadAfterWaitingForTheLock(url), "the waiter must see the holder's commit");
    }

    @Test
    void sinceH2TwoPointFiveResultReuseNoLongerServesTheWaiterAResultFromBeforeTheCommit() throws Exception {
        // H2's default (OPTIMIZE_REUSE_RESULTS=TRUE), with the settings Coffer used before the fix.
        // H2 2.3.232 answered 5 here (the replaced alias); 2.5.252 answers 6. Coffer keeps the reuse
        // off all the same (DatabaseConfig): this only records that the H2 in use no longer needs it.
        String url = "jdbc:h2:rec:file:" + dir.resolve("coffer") + ";LOCK_TIMEOUT=10000;WRITE_DELAY=0";

        assertEquals(6, aliasReadAfterWaitingForTheLock(url), "with result reuse on, the waiter sees the holder's commit");
    }

    private static int aliasReadAfterWaitingForTheLock(String url) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (Connection holder = DriverManager.getConnection(url, "coffer", "");
                Connection waiter = DriverManager.getConnection(url, "coffer", "")) {
            try (Statement s = holder.createStatement()) {
                s.execute("CREATE TABLE secret (id INT PRIMARY KEY, last_version INT)");
                s.execute("CREATE TABLE alias (id INT PRIMARY KEY, version INT)");
                s.execute("INSERT INTO secret VALUES (1, 5)");
                s.execute("INSERT INTO alias VALUES (1, 5)");
            }
            holder.setAutoCommit(false);
            waiter.setAutoCommit(false);
            // The holder adds version 6: it locks the secret and moves the alias, not yet committed.
            lockSecret(holder);
            try (Statement s = holder.createStatement()) {
                s.executeUpdate("UPDATE secret SET last_version = 6 WHERE id = 1");
                s.executeUpdate("UPDATE alias SET version = 6 WHERE id = 1");
            }
            // Meanwhile the waiter's connection reads the alias (a reader between two calls).
            assertEquals(5, readAlias(waiter));
            waiter.commit();
            // Then the waiter's next add waits for the lock.
            AtomicReference<Thread> waiting = new AtomicReference<>();
            Future<Integer> seen = threads.submit(() -> {
                waiting.set(Thread.currentThread());
                assertEquals(6, lockSecret(waiter), "FOR UPDATE returns the committed row");
                return readAlias(waiter);
            });
            Await.until("the waiter blocks on the row lock", () -> waiting.get() != null
                    && waiting.get().getState() == Thread.State.TIMED_WAITING);
            RECORDER.holdNextWrite();
            Future<?> commit = threads.submit(() -> {
                holder.commit();
                return null;
            });
            try {
                assertTrue(RECORDER.awaitHeld(), "the holder's commit must write the store file");
                return seen.get(30, TimeUnit.SECONDS);
            } finally {
                RECORDER.release();
                commit.get(30, TimeUnit.SECONDS);
                waiter.commit();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static int lockSecret(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT last_version FROM secret WHERE id = 1 FOR UPDATE")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int readAlias(Connection c) throws SQLException {
        try (PreparedStatement read = c.prepareStatement(READ_ALIAS)) {
            read.setInt(1, 1);
            try (ResultSet rs = read.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Holds the first write to a database file after {@link #holdNextWrite()} until {@link #release()}. */
    private static final class BlockingRecorder implements Recorder {
        private volatile CountDownLatch held = new CountDownLatch(1);
        private volatile CountDownLatch released = new CountDownLatch(0);
        private volatile boolean armed;

        void holdNextWrite() {
            held = new CountDownLatch(1);
            released = new CountDownLatch(1);
            armed = true;
        }

        boolean awaitHeld() throws InterruptedException {
            return held.await(30, TimeUnit.SECONDS);
        }

        void release() {
            armed = false;
            released.countDown();
        }

        @Override
        public void log(int op, String fileName, byte[] data, long x) {
            if (op != WRITE || !armed || !fileName.endsWith(".mv.db")) {
                return;
            }
            armed = false;
            held.countDown();
            try {
                released.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
