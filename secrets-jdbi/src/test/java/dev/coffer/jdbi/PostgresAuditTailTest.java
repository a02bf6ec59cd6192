package dev.coffer.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.jdbi.internal.AuditListener;
import dev.coffer.jdbi.testing.TestDatabase;
import dev.coffer.jdbi.testing.UsePostgres;
import dev.coffer.tck.support.NoValueLeaks;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The audit tail on PostgreSQL, plus what only it has: two server instances (two
 * {@link CofferDatabase}s, two pools) on one database, where an append through one wakes the
 * other's readers through {@code LISTEN/NOTIFY}, also after the listening backend was killed.
 */
@ExtendWith({UsePostgres.class, NoValueLeaks.class})
class PostgresAuditTailTest extends AuditTailTests {
    // Held here: java.util.logging keeps loggers only weakly, and the handler set on it must stay.
    private static final Logger JDBI_LOG = Logger.getLogger("dev.coffer.jdbi");

    private CofferDatabase other;

    @Override
    TestDatabase database() {
        return UsePostgres.database();
    }

    @BeforeEach
    void secondInstance() {
        other = CofferDatabase.open(database().config().toBuilder().migrateOnStart(false).build(), database().protection());
        until(() -> other.auditLog().listening() && db.auditLog().listening(), "both instances listen");
    }

    @AfterEach
    void closeSecondInstance() {
        other.close();
    }

    @Test
    void anAppendThroughOneInstanceWakesAWaiterOnTheOther() throws Exception {
        Future<Boolean> woken = awaitOn(other, 0);
        db.auditLog().append(read());
        assertTrue(woken.get(DEADLINE_SECONDS, TimeUnit.SECONDS), "woken by the other instance's notification");
        assertEquals(1, other.auditLog().after(0, 10).size(), "and it finds the event");
    }

    @Test
    void aStoreChangeThroughOneInstanceWakesAWaiterOnTheOther() throws Exception {
        Future<Boolean> woken = awaitOn(other, 0);
        createSecret(List.of(StorageBehaviourTests.draft(dev.coffer.spi.audit.AuditEventType.SECRET_CREATE).build()));
        assertTrue(woken.get(DEADLINE_SECONDS, TimeUnit.SECONDS), "woken by the change's notification");
    }

    @Test
    void theListenerReconnectsAfterItsBackendIsKilledAndLogsOnceEachWay() throws Exception {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getMessage() != null && r.getMessage().startsWith("audit notifications")) {
                    records.add(r);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        JDBI_LOG.addHandler(capture);
        try {
            long killed = database().sql().withHandle(h -> h.createQuery("SELECT count(pg_terminate_backend(pid))"
                    + " FROM pg_stat_activity WHERE datname = current_database() AND application_name = :app")
                    .bind("app", AuditListener.APPLICATION_NAME).mapTo(Long.class).one());
            assertEquals(2, killed, "one listening backend per instance");
            until(() -> other.auditLog().listenReconnects() >= 1 && other.auditLog().listening(), "the listener is back");

            Future<Boolean> woken = awaitOn(other, 0);
            db.auditLog().append(read());
            assertTrue(woken.get(DEADLINE_SECONDS, TimeUnit.SECONDS), "woken through the new listening connection");

            until(() -> db.auditLog().listenReconnects() >= 1, "the first instance's listener is back too");
            List<Level> levels = records.stream().map(LogRecord::getLevel).toList();
            assertEquals(2, levels.stream().filter(Level.WARNING::equals).count(), "lost, once per instance: " + levels);
            assertEquals(2, levels.stream().filter(Level.INFO::equals).count(), "back, once per instance: " + levels);
        } finally {
            JDBI_LOG.removeHandler(capture);
        }
    }

}
