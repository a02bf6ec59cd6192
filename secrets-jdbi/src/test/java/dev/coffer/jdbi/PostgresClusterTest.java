package dev.coffer.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.jdbi.testing.JdbiFixture;
import dev.coffer.jdbi.testing.PostgresServer;
import dev.coffer.jdbi.testing.TestDatabase;
import dev.coffer.jdbi.testing.UsePostgres;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.audit.AuditVerification;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.kernel.StandardSecretManager;
import dev.coffer.spi.memory.JdkEnvelope;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretContent;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.VersionRecord;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.store.AliasMove;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.tck.support.Concurrently;
import dev.coffer.tck.support.Concurrently.Outcome;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PostgreSQL as production runs it: two server instances (two {@link CofferDatabase}s with pools
 * of their own) racing on one database, and a backend killed in the middle of an operation.
 */
@ExtendWith({UsePostgres.class, NoValueLeaks.class})
class PostgresClusterTest {
    // Held here: java.util.logging keeps loggers only weakly, and the handler set on it must stay.
    private static final Logger HIKARI_CONNECTIONS = Logger.getLogger("com.zaxxer.hikari.pool.ProxyConnection");

    private static final int THREADS = 16;

    private CofferDatabase first;
    private CofferDatabase second;

    @BeforeEach
    void twoInstances() {
        first = UsePostgres.database().reset();
        second = CofferDatabase.open(UsePostgres.database().config().toBuilder().migrateOnStart(false).build(),
                UsePostgres.database().protection());
    }

    @AfterEach
    void closeSecond() {
        second.close();
    }

    private CofferDatabase instance(int i) {
        return i % 2 == 0 ? first : second;
    }

    @Test
    void promotesRacingOnTwoInstancesLetExactlyOneWin() {
        Secret secret = createSecret();
        first.secretStore().addVersion(secret.path().tenant(), secret.id(), n -> StorageBehaviourTests.sealed(), "user:a",
                StorageBehaviourTests.T0, null, true, BeforeCommit.none());
        for (int i = 0; i < THREADS; i++) {
            instance(i).secretStore().addVersion(secret.path().tenant(), secret.id(), n -> StorageBehaviourTests.sealed(),
                    "user:a", StorageBehaviourTests.T0, null, false, BeforeCommit.none());
        }

        List<Outcome<AliasMove>> outcomes = Concurrently.run(THREADS, i -> instance(i).secretStore().moveAlias(
                secret.path().tenant(), secret.id(), "current", 2 + i, OptionalInt.of(1), StorageBehaviourTests.T0,
                move -> instance(i).auditLog().append(StorageBehaviourTests.draft(AuditEventType.ALIAS_MOVE).build())));

        List<AliasMove> wins = outcomes.stream().filter(Outcome::succeeded).map(Outcome::value).toList();
        assertEquals(1, wins.size(), "exactly one compare-and-set may win across instances");
        for (Outcome<AliasMove> lost : outcomes.stream().filter(o -> !o.succeeded()).toList()) {
            ConflictException conflict = assertInstanceOf(ConflictException.class, lost.failure());
            assertEquals(ErrorCode.VERSION_CONFLICT, conflict.code());
        }
        assertEquals(Map.of("current", wins.get(0).to(), "previous", 1),
                second.secretStore().aliases(secret.path().tenant(), secret.id()).byName());
        assertEquals(1, countEvents(AuditEventType.ALIAS_MOVE), "only the winner's audit event commits");
    }

    @Test
    void addsRacingOnTwoInstancesGetNumbersOneToSixteen() {
        Secret secret = createSecret();

        List<Outcome<VersionRecord>> outcomes = Concurrently.run(THREADS, i -> instance(i).secretStore().addVersion(
                secret.path().tenant(), secret.id(), n -> StorageBehaviourTests.sealed(), "user:a", StorageBehaviourTests.T0,
                null, i % 3 == 0, added -> instance(i).auditLog().append(StorageBehaviourTests.draft(AuditEventType.VERSION_ADD)
                        .version(added.record().number()).build())));

        List<Integer> numbers = outcomes.stream().map(StorageBehaviourTests::succeeded).map(VersionRecord::number).sorted().toList();
        List<Integer> expected = IntStream.rangeClosed(1, THREADS).boxed().toList();
        assertEquals(expected, numbers);
        assertEquals(expected, first.secretStore().listVersions(secret.path().tenant(), secret.id()).stream()
                .map(VersionRecord::number).toList());
        AuditVerification verification = second.auditLog().verify(StorageBehaviourTests.TENANT);
        assertTrue(verification.intact(), verification::problem);
        assertEquals(THREADS, verification.eventsChecked());
    }

    @Test
    void auditAppendsFromTwoInstancesShareOneGapFreeChain() {
        List<Outcome<List<Long>>> outcomes = Concurrently.run(THREADS, i -> {
            List<Long> seqs = new ArrayList<>();
            for (int n = 0; n < 20; n++) {
                seqs.add(instance(i).auditLog().append(StorageBehaviourTests.draft(AuditEventType.SECRET_READ).build()).seq());
            }
            return seqs;
        });

        List<Long> seqs = new ArrayList<>();
        outcomes.forEach(o -> seqs.addAll(StorageBehaviourTests.succeeded(o)));
        assertEquals(LongStream.rangeClosed(1, THREADS * 20L).boxed().toList(), seqs.stream().sorted().toList());
        AuditVerification verification = first.auditLog().verify(StorageBehaviourTests.TENANT);
        assertTrue(verification.intact(), verification::problem);
    }

    @Test
    void backendKilledBeforeCommitFailsTheAddAsStoreUnavailableAndLeavesNothingBehind() {
        // ALIAS_MOVE is the last event a CURRENT add appends: the kill lands right before COMMIT.
        killInsideAnAdd(AuditEventType.ALIAS_MOVE, ErrorCode.STORE_UNAVAILABLE, List.of(Decision.ALLOW, Decision.ERROR));
    }

    @Test
    void backendKilledBetweenTwoAuditAppendsFailsTheAddAsAuditUnavailableAndLeavesNothingBehind() {
        // The kill lands after VERSION_ADD; the ALIAS_MOVE append then meets the dead connection.
        killInsideAnAdd(AuditEventType.VERSION_ADD, ErrorCode.AUDIT_UNAVAILABLE, List.of(Decision.ALLOW));
    }

    private void killInsideAnAdd(AuditEventType killAfter, ErrorCode expected, List<Decision> versionAddDecisions) {
        KillingAuditLog audit = new KillingAuditLog(first.auditLog(), UsePostgres.database());
        SecretManager manager = manager(audit);
        AccessContext admin = AccessContext.of(Principal.of("user:admin", JdbiFixture.TENANT));
        Secret secret = manager.create(admin, NewSecret.builder(SecretPath.parse(JdbiFixture.TENANT, "prod/db/password"), "payments").build());
        try (SecretValue value = TestValues.value()) {
            manager.addVersion(admin, secret.id(), NewVersion.current(value));
        }

        audit.armFor(killAfter);
        List<LogRecord> poolWarnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                poolWarnings.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        // Hikari warns, with the driver's stack trace, that the killed connection is broken: the
        // failure this test causes on purpose. Checked here instead of printed into the build log.
        HIKARI_CONNECTIONS.addHandler(capture);
        HIKARI_CONNECTIONS.setUseParentHandlers(false);
        try (SecretValue value = TestValues.value()) {
            Expect.thrown(UnavailableException.class, expected, () -> manager.addVersion(admin, secret.id(), NewVersion.current(value)));
        } finally {
            HIKARI_CONNECTIONS.removeHandler(capture);
            HIKARI_CONNECTIONS.setUseParentHandlers(true);
        }
        assertTrue(audit.killed(), "the backend was terminated inside the transaction");
        assertTrue(poolWarnings.stream().anyMatch(r -> r.getLevel() == Level.WARNING && r.getMessage().contains("marked as broken")),
                "the pool noticed the killed connection");

        assertEquals(List.of(1), first.secretStore().listVersions(JdbiFixture.TENANT, secret.id()).stream()
                .map(VersionRecord::number).toList(), "no partial version");
        assertEquals(Map.of("current", 1), first.secretStore().aliases(JdbiFixture.TENANT, secret.id()).byName(), "no alias move");
        assertEquals(versionAddDecisions, decisions(AuditEventType.VERSION_ADD),
                "the killed add left no allow event (at most the kernel's record of the failure)");
        assertEquals(List.of(Decision.ALLOW), decisions(AuditEventType.ALIAS_MOVE), "only the first add's alias move");
        AuditVerification verification = first.auditLog().verify(JdbiFixture.TENANT);
        assertTrue(verification.intact(), verification::problem);

        String next = TestValues.text();
        try (SecretValue value = SecretValue.ofUtf8(next)) {
            assertEquals(2, manager.addVersion(admin, secret.id(), NewVersion.current(value)).number(),
                    "the next call succeeds, with the number the failed one did not consume");
        }
        try (SecretContent content = manager.read(admin, secret.path(), VersionSelector.current())) {
            assertEquals(next, content.value().asUtf8());
        }
    }

    private List<Decision> decisions(AuditEventType type) {
        return first.auditLog().query(AuditQuery.tenant(JdbiFixture.TENANT).withEventType(type), PageRequest.first()).items()
                .stream().map(AuditEvent::decision).toList();
    }

    private SecretManager manager(AuditLog audit) {
        first.policyStore().put(JdbiFixture.TENANT, dev.coffer.spi.access.Policy.allow("admin", List.of("user:admin"),
                List.of("secrets:*"), List.of("*")), BeforeCommit.none());
        return StandardSecretManager.builder()
                .secretStore(first.secretStore())
                .envelope(new JdkEnvelope(first.tenantKeyStore()))
                .auditLog(audit)
                .policyStore(first.policyStore())
                .build();
    }

    private Secret createSecret() {
        Secret secret = new Secret("sec_cluster" + System.nanoTime(), SecretPath.parse("acme", "prod/race/key"), "payments", "",
                null, null, Map.of(), StorageBehaviourTests.T0, StorageBehaviourTests.T0, null, null);
        return first.secretStore().createSecret(secret, BeforeCommit.none());
    }

    private long countEvents(AuditEventType type) {
        Page<AuditEvent> page = first.auditLog().query(AuditQuery.tenant(StorageBehaviourTests.TENANT).withEventType(type),
                PageRequest.first(PageRequest.MAX_LIMIT));
        return page.items().size();
    }

    /**
     * Appends through the real log; once armed, after appending the armed event type inside its
     * store transaction it terminates that transaction's backend with {@code pg_terminate_backend}
     * from a separate admin connection, so the store's commit meets a dead connection.
     */
    private static final class KillingAuditLog implements AuditLog {
        private final AuditLog delegate;
        private final TestDatabase database;
        private volatile AuditEventType armed;
        private volatile boolean killed;

        KillingAuditLog(AuditLog delegate, TestDatabase database) {
            this.delegate = delegate;
            this.database = database;
        }

        void armFor(AuditEventType type) {
            armed = type;
        }

        boolean killed() {
            return killed;
        }

        @Override
        public AuditEvent append(AuditEvent draft) {
            AuditEvent appended = delegate.append(draft);
            if (draft.eventType() == armed && draft.decision() == Decision.ALLOW) {
                armed = null;
                terminateWritingTransaction();
                killed = true;
            }
            return appended;
        }

        // The store's transaction has written (it has an xid) and waits for its client: the hook.
        private void terminateWritingTransaction() {
            String find = "SELECT pid FROM pg_stat_activity WHERE datname = '" + database.name() + "'"
                    + " AND state = 'idle in transaction' AND backend_xid IS NOT NULL";
            List<Integer> pids = new ArrayList<>();
            try (var c = PostgresServer.connect("postgres"); var s = c.createStatement(); var rs = s.executeQuery(find)) {
                while (rs.next()) {
                    pids.add(rs.getInt(1));
                }
                if (pids.size() != 1) {
                    throw new AssertionError("expected exactly one writing transaction, found " + pids);
                }
                s.execute("SELECT pg_terminate_backend(" + pids.get(0) + ", 5000)");
            } catch (java.sql.SQLException e) {
                throw new AssertionError("could not terminate the backend", e);
            }
        }

        @Override
        public Page<AuditEvent> query(AuditQuery query, PageRequest page) {
            return delegate.query(query, page);
        }

        @Override
        public AuditVerification verify(String tenant) {
            return delegate.verify(tenant);
        }

        @Override
        public void checkpoint() {
            delegate.checkpoint();
        }
    }
}
