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
import dev.coffer.spi.store.AddedVersion;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.SecretStore;
import dev.coffer.spi.store.VersionSealer;
import java.time.Instant;
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
                move -> List.of(StorageBehaviourTests.draft(AuditEventType.ALIAS_MOVE).build())));

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
                null, i % 3 == 0, added -> List.of(StorageBehaviourTests.draft(AuditEventType.VERSION_ADD)
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
    void theSameIdAppendedThroughTwoInstancesIsStoredOnce() {
        for (int round = 0; round < 5; round++) {
            AuditEvent shared = StorageBehaviourTests.draft(AuditEventType.SECRET_READ).build();

            List<Outcome<AuditEvent>> outcomes = Concurrently.run(8, i -> {
                instance(i).auditLog().append(StorageBehaviourTests.draft(AuditEventType.SECRET_READ).build());
                return instance(i).auditLog().append(shared);
            });

            List<AuditEvent> returned = outcomes.stream().map(StorageBehaviourTests::succeeded).toList();
            assertEquals(1, returned.stream().distinct().count(), "round " + round + ": both instances return the one stored event,"
                    + " got seqs " + returned.stream().map(AuditEvent::seq).toList());
            assertEquals(1, countEvents(AuditEventType.SECRET_READ, shared.id()));
        }
        AuditVerification verification = second.auditLog().verify(StorageBehaviourTests.TENANT);
        assertTrue(verification.intact(), verification::problem);
        assertEquals(5 * (8 + 1), verification.eventsChecked());
    }

    @Test
    void backendKilledAfterPrepareFailsTheAddAsAuditUnavailableAndLeavesNothingBehind() {
        // The hook has returned the add's events; writing them into the chain meets the dead connection.
        // The kernel then records the failure through the log, on a connection of its own.
        killInsideAnAdd(false, ErrorCode.AUDIT_UNAVAILABLE);
    }

    @Test
    void backendKilledAtCommitAfterTheEventsWereWrittenFailsTheAddAsStoreUnavailableAndLeavesNothingBehind() {
        // A trigger deferred to COMMIT terminates the transaction's own backend once the add's
        // ALIAS_MOVE event is in the chain: the commit meets the dead connection.
        killInsideAnAdd(true, ErrorCode.STORE_UNAVAILABLE);
    }

    private void killInsideAnAdd(boolean atCommit, ErrorCode expected) {
        KillingSecretStore store = new KillingSecretStore(first.secretStore(), UsePostgres.database());
        SecretManager manager = manager(store, first.auditLog());
        AccessContext admin = AccessContext.of(Principal.of("user:admin", JdbiFixture.TENANT));
        Secret secret = manager.create(admin, NewSecret.builder(SecretPath.parse(JdbiFixture.TENANT, "prod/db/password"), "payments").build());
        try (SecretValue value = TestValues.value()) {
            manager.addVersion(admin, secret.id(), NewVersion.current(value));
        }

        if (atCommit) {
            UsePostgres.database().sql().useHandle(h -> h.execute("CREATE FUNCTION kill_at_commit() RETURNS trigger"
                    + " LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NULL; END $$;"
                    + " CREATE CONSTRAINT TRIGGER kill_at_commit AFTER INSERT ON audit_events DEFERRABLE INITIALLY DEFERRED"
                    + " FOR EACH ROW WHEN (NEW.event_type = 'ALIAS_MOVE' AND NEW.decision = 'ALLOW')"
                    + " EXECUTE FUNCTION kill_at_commit()"));
        } else {
            store.arm();
        }
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
            if (atCommit) {
                UsePostgres.database().sql().useHandle(h -> h.execute("DROP TRIGGER kill_at_commit ON audit_events;"
                        + " DROP FUNCTION kill_at_commit()"));
            }
        }
        assertTrue(atCommit || store.killed(), "the backend was terminated inside the transaction");
        assertTrue(poolWarnings.stream().anyMatch(r -> r.getLevel() == Level.WARNING && r.getMessage().contains("marked as broken")),
                "the pool noticed the killed connection");

        assertEquals(List.of(1), first.secretStore().listVersions(JdbiFixture.TENANT, secret.id()).stream()
                .map(VersionRecord::number).toList(), "no partial version");
        assertEquals(Map.of("current", 1), first.secretStore().aliases(JdbiFixture.TENANT, secret.id()).byName(), "no alias move");
        assertEquals(List.of(Decision.ALLOW, Decision.ERROR), decisions(AuditEventType.VERSION_ADD),
                "the killed add left no allow event, only the kernel's record of the failure");
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

    private SecretManager manager(SecretStore store, AuditLog audit) {
        first.policyStore().put(JdbiFixture.TENANT, dev.coffer.spi.access.Policy.allow("admin", List.of("user:admin"),
                List.of("secrets:*"), List.of("*")), BeforeCommit.none());
        return StandardSecretManager.builder()
                .secretStore(store)
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

    private long countEvents(AuditEventType type, String id) {
        return first.auditLog().query(AuditQuery.tenant(StorageBehaviourTests.TENANT).withEventType(type),
                PageRequest.first(PageRequest.MAX_LIMIT)).items().stream().filter(e -> id.equals(e.id())).count();
    }

    private long countEvents(AuditEventType type) {
        Page<AuditEvent> page = first.auditLog().query(AuditQuery.tenant(StorageBehaviourTests.TENANT).withEventType(type),
                PageRequest.first(PageRequest.MAX_LIMIT));
        return page.items().size();
    }

    /**
     * The real store; once armed, the next {@code addVersion} hook's events are prepared, then the
     * store transaction's backend is terminated with {@code pg_terminate_backend} from a separate
     * admin connection, so writing the events into the chain meets a dead connection.
     */
    private static final class KillingSecretStore extends DelegatingStore {
        private final TestDatabase database;
        private volatile boolean armed;
        private volatile boolean killed;

        KillingSecretStore(SecretStore delegate, TestDatabase database) {
            super(delegate);
            this.database = database;
        }

        void arm() {
            armed = true;
        }

        boolean killed() {
            return killed;
        }

        @Override
        public VersionRecord addVersion(String tenant, String secretId, VersionSealer sealer, String createdBy, Instant now,
                Instant expiresAt, boolean makeCurrent, BeforeCommit<AddedVersion> hook) {
            return delegate.addVersion(tenant, secretId, sealer, createdBy, now, expiresAt, makeCurrent, added -> {
                List<AuditEvent> events = hook.prepare(added);
                if (armed) {
                    armed = false;
                    terminateWritingTransaction();
                    killed = true;
                }
                return events;
            });
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
    }

    /** A {@link SecretStore} that passes every call to {@code delegate}. */
    static class DelegatingStore implements SecretStore {
        final SecretStore delegate;

        DelegatingStore(SecretStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public dev.coffer.spi.store.AuditOutbox auditOutbox() {
            return delegate.auditOutbox();
        }

        @Override
        public Secret createSecret(Secret secret, BeforeCommit<Secret> hook) {
            return delegate.createSecret(secret, hook);
        }

        @Override
        public java.util.Optional<Secret> findSecret(String tenant, String secretId) {
            return delegate.findSecret(tenant, secretId);
        }

        @Override
        public java.util.Optional<Secret> findSecretByPath(SecretPath path) {
            return delegate.findSecretByPath(path);
        }

        @Override
        public Secret updateSecret(Secret secret, BeforeCommit<Secret> hook) {
            return delegate.updateSecret(secret, hook);
        }

        @Override
        public Secret updateSecret(String tenant, String secretId, java.util.function.UnaryOperator<Secret> change,
                BeforeCommit<Secret> hook) {
            return delegate.updateSecret(tenant, secretId, change, hook);
        }

        @Override
        public Page<Secret> listSecrets(String tenant, dev.coffer.spi.model.SecretFilter filter, PageRequest page) {
            return delegate.listSecrets(tenant, filter, page);
        }

        @Override
        public void deleteSecret(String tenant, String secretId, BeforeCommit<Secret> hook) {
            delegate.deleteSecret(tenant, secretId, hook);
        }

        @Override
        public VersionRecord addVersion(String tenant, String secretId, VersionSealer sealer, String createdBy, Instant now,
                Instant expiresAt, boolean makeCurrent, BeforeCommit<AddedVersion> hook) {
            return delegate.addVersion(tenant, secretId, sealer, createdBy, now, expiresAt, makeCurrent, hook);
        }

        @Override
        public List<VersionRecord> listVersions(String tenant, String secretId) {
            return delegate.listVersions(tenant, secretId);
        }

        @Override
        public java.util.Optional<VersionRecord> findVersion(String tenant, String secretId, int number) {
            return delegate.findVersion(tenant, secretId, number);
        }

        @Override
        public java.util.Optional<dev.coffer.spi.crypto.SealedValue> loadSealedValue(String tenant, String secretId, int number) {
            return delegate.loadSealedValue(tenant, secretId, number);
        }

        @Override
        public dev.coffer.spi.model.Aliases aliases(String tenant, String secretId) {
            return delegate.aliases(tenant, secretId);
        }

        @Override
        public AliasMove moveAlias(String tenant, String secretId, String alias, int target, OptionalInt expected, Instant now,
                BeforeCommit<AliasMove> hook) {
            return delegate.moveAlias(tenant, secretId, alias, target, expected, now, hook);
        }

        @Override
        public dev.coffer.spi.store.AliasRemoval removeAlias(String tenant, String secretId, String alias, OptionalInt expected,
                BeforeCommit<dev.coffer.spi.store.AliasRemoval> hook) {
            return delegate.removeAlias(tenant, secretId, alias, expected, hook);
        }

        @Override
        public VersionRecord transitionVersion(String tenant, String secretId, int number, dev.coffer.spi.model.VersionState from,
                dev.coffer.spi.model.VersionState to, BeforeCommit<VersionRecord> hook) {
            return delegate.transitionVersion(tenant, secretId, number, from, to, hook);
        }

        @Override
        public boolean rewrapVersion(String tenant, String secretId, int number, dev.coffer.spi.crypto.SealedValue rewrapped) {
            return delegate.rewrapVersion(tenant, secretId, number, rewrapped);
        }
    }
}
