package dev.coffer.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.jdbi.internal.AuditRows;
import dev.coffer.jdbi.testing.DriverStatements;
import dev.coffer.jdbi.testing.SqlTampering;
import dev.coffer.jdbi.testing.TestDatabase;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.audit.AuditChain;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditVerification;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.store.AuditOutbox;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.tck.support.Concurrently;
import dev.coffer.tck.support.Concurrently.Outcome;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.NoValueLeaks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the JDBI parts promise beyond the TCK — a change's events in its transaction, idempotent
 * appends by event id, installation steps recorded with a change, group commit, tamper
 * detection of plain SQL changes, code-point listing order, migrations switched off — run on
 * H2 and on PostgreSQL by the subclasses.
 */
@ExtendWith(NoValueLeaks.class)
abstract class StorageBehaviourTests {
    static final String TENANT = "acme";
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    CofferDatabase db;

    /** The run's database of the subclass's kind. */
    abstract TestDatabase database();

    @BeforeEach
    final void emptyDatabase() {
        db = database().reset();
    }

    // ---- one transaction for a change and its audit events

    @Test
    void theEventsAHookReturnsCommitWithTheChangeAndNothingWaitsInAnOutbox() {
        Secret secret = createSecret("prod/db/password");
        AuditEvent versionAdd = draft(AuditEventType.VERSION_ADD).version(1).build();
        AuditEvent aliasMove = draft(AuditEventType.ALIAS_MOVE).version(1).build();

        db.secretStore().addVersion(TENANT, secret.id(), n -> sealed(), "user:alice", T0, null, true,
                added -> List.of(versionAdd, aliasMove));

        assertEquals(1, db.secretStore().listVersions(TENANT, secret.id()).size());
        assertEquals(List.of(AuditEventType.VERSION_ADD, AuditEventType.ALIAS_MOVE), eventTypes());
        assertEquals(List.of(versionAdd.id(), aliasMove.id()), eventIds(), "the drafts' own ids, in the order returned");
        assertTrue(db.auditLog().verify(TENANT).intact());
        assertFalse(db.secretStore().auditOutbox().holdsEvents(), "JdbiSecretStore's outbox is AuditOutbox.none()");
        assertFalse(db.policyStore().auditOutbox().holdsEvents(), "JdbiPolicyStore's outbox is AuditOutbox.none()");
        assertTrue(db.secretStore().auditOutbox().pending(AuditOutbox.MAX_BATCH).isEmpty());
        assertEquals(1, db.auditLog().append(versionAdd).seq(), "appending the change's event again returns it, stored once");
        assertEquals(2, eventIds().size());
    }

    @Test
    void aPolicyPutCommitsItsEventsInItsTransaction() {
        AuditEvent put = draft(AuditEventType.POLICY_PUT).build();

        db.policyStore().put(TENANT, Policy.allow("ops", List.of("user:ops"), List.of("secrets:read"), List.of("*")),
                stored -> List.of(put));
        Expect.thrown(IllegalStateException.class, () -> db.policyStore().delete(TENANT, "ops", deleted -> {
            throw new IllegalStateException("injected");
        }));

        assertTrue(db.policyStore().get(TENANT, "ops").isPresent(), "the failed delete rolled back");
        assertEquals(List.of(put.id()), eventIds());
    }

    @Test
    void failingHookRollsBackTheChangeAndWritesNoEvent() {
        Secret secret = createSecret("prod/db/password");
        IllegalStateException failure = new IllegalStateException("injected in prepare");

        IllegalStateException thrown = Expect.thrown(IllegalStateException.class,
                () -> db.secretStore().addVersion(TENANT, secret.id(), n -> sealed(), "user:alice", T0, null, true, added -> {
                    throw failure;
                }));

        assertSame(failure, thrown);
        assertTrue(db.secretStore().listVersions(TENANT, secret.id()).isEmpty());
        assertTrue(eventTypes().isEmpty(), "no audit event without the version");
        assertEquals(1, db.auditLog().append(draft(AuditEventType.SECRET_READ).build()).seq(), "no seq was consumed");
    }

    @Test
    void auditFailureAfterPrepareFailsTheChangeWithAuditUnavailable() {
        Secret secret = createSecret("prod/db/password");
        blockAuditInserts(true);
        try {
            UnavailableException thrown = Expect.thrown(UnavailableException.class, ErrorCode.AUDIT_UNAVAILABLE,
                    () -> db.secretStore().addVersion(TENANT, secret.id(), n -> sealed(), "user:alice", T0, null, true,
                            added -> List.of(draft(AuditEventType.VERSION_ADD).build())));
            NoValueLeaks.assertNoValueIn(thrown);
        } finally {
            blockAuditInserts(false);
        }
        assertTrue(db.secretStore().listVersions(TENANT, secret.id()).isEmpty());
        assertTrue(db.secretStore().aliases(TENANT, secret.id()).byName().isEmpty());
        assertTrue(eventTypes().isEmpty());
    }

    @Test
    void aChangeWhoseEventClaimsAStoredIdFailsAndLeavesNeitherTheChangeNorItsEvents() {
        Secret secret = createSecret("prod/db/password");
        AuditEvent stored = db.auditLog().append(draft(AuditEventType.SECRET_READ).build());
        AuditEvent fresh = draft(AuditEventType.VERSION_ADD).build();
        AuditEvent reused = draft(AuditEventType.ALIAS_MOVE).id(stored.id()).build();

        IllegalArgumentException thrown = Expect.thrown(IllegalArgumentException.class,
                () -> db.secretStore().addVersion(TENANT, secret.id(), n -> sealed(), "user:alice", T0, null, true,
                        added -> List.of(fresh, reused)));

        assertTrue(thrown.getMessage().contains(stored.id()), thrown.getMessage());
        assertTrue(db.secretStore().listVersions(TENANT, secret.id()).isEmpty(), "the version rolled back");
        assertTrue(db.secretStore().aliases(TENANT, secret.id()).byName().isEmpty(), "the alias move rolled back");
        assertNull(db.secretStore().findSecret(TENANT, secret.id()).orElseThrow().lastRotatedAt(), "no rotation stamp");
        assertEquals(List.of(stored.id()), eventIds(), "neither of the change's events stayed");
        assertEquals(2, db.auditLog().append(draft(AuditEventType.SECRET_READ).build()).seq(), "no seq was consumed");
        assertTrue(db.auditLog().verify(TENANT).intact());
        assertEquals(1, db.secretStore().addVersion(TENANT, secret.id(), n -> sealed(), "user:alice", T0, null, true,
                added -> List.of(draft(AuditEventType.VERSION_ADD).build())).number(), "the number was not consumed");
    }

    @Test
    void aHookMustReturnDraftsWithDistinctIds() {
        Secret secret = createSecret("prod/db/password");
        AuditEvent twice = draft(AuditEventType.VERSION_ADD).build();
        AuditEvent chained = db.auditLog().append(draft(AuditEventType.SECRET_READ).build());

        Expect.thrown(IllegalArgumentException.class, () -> db.secretStore().addVersion(TENANT, secret.id(), n -> sealed(),
                "user:alice", T0, null, false, added -> List.of(twice, twice)));
        Expect.thrown(IllegalArgumentException.class, () -> db.secretStore().addVersion(TENANT, secret.id(), n -> sealed(),
                "user:alice", T0, null, false, added -> List.of(chained)));
        Expect.thrown(NullPointerException.class, () -> db.secretStore().addVersion(TENANT, secret.id(), n -> sealed(),
                "user:alice", T0, null, false, added -> null));

        assertTrue(db.secretStore().listVersions(TENANT, secret.id()).isEmpty());
        assertEquals(List.of(chained.id()), eventIds());
    }

    // ---- idempotent appends

    @Test
    void theSameIdAppendedTwiceIsStoredOnceWithOrWithoutGroupCommit() {
        try (CofferDatabase solo = soloInstance()) {
            for (CofferDatabase instance : List.of(db, solo)) {
                AuditEvent draft = draft(AuditEventType.SECRET_READ).build();

                AuditEvent first = instance.auditLog().append(draft);
                AuditEvent again = instance.auditLog().append(draft);

                assertEquals(first, again, "group commit " + instance.auditLog().groupCommit() + ": the stored event both times");
                assertEquals(1, rowsWithId(draft.id()));
            }
            assertEquals(2, eventIds().size());
            assertEquals(3, db.auditLog().append(draft(AuditEventType.SECRET_READ).build()).seq(), "the chain stays gap-free");
            assertTrue(db.auditLog().verify(TENANT).intact());
        }
    }

    @Test
    void theSameIdAppendedFromEightThreadsIsStoredOnceAndEveryCallerGetsItsSeq() {
        try (CofferDatabase solo = soloInstance()) {
            for (CofferDatabase instance : List.of(db, solo)) {
                for (int round = 0; round < 5; round++) {
                    AuditEvent shared = draft(AuditEventType.SECRET_READ).build();
                    List<Outcome<AuditEvent>> outcomes = Concurrently.run(8, i -> {
                        instance.auditLog().append(draft(AuditEventType.SECRET_READ).build()); // company for the batch
                        return instance.auditLog().append(shared);
                    });

                    List<AuditEvent> returned = outcomes.stream().map(StorageBehaviourTests::succeeded).toList();
                    assertEquals(1, returned.stream().distinct().count(), "group commit " + instance.auditLog().groupCommit()
                            + ", round " + round + ": every caller gets the one stored event, got seqs "
                            + returned.stream().map(AuditEvent::seq).toList());
                    assertEquals(1, rowsWithId(shared.id()));
                    assertEquals(shared.id(), returned.get(0).id());
                }
            }
            AuditVerification verification = db.auditLog().verify(TENANT);
            assertTrue(verification.intact(), verification::problem);
            assertEquals(2 * 5 * (8 + 1), verification.eventsChecked(), "one per thread and round, plus the shared one");
        }
    }

    @Test
    void aBatchHoldingOneIdTwiceInsertsItOnceAndSkipsStoredIds() {
        AuditEvent stored = db.auditLog().append(draft(AuditEventType.SECRET_READ).build());
        AuditEvent twice = draft(AuditEventType.SECRET_READ).build();
        AuditEvent other = draft(AuditEventType.SECRET_READ).build();
        AuditChain chain = database().protection().keys(db.tenantKeyStore()).chain();

        AuditRows.Appended appended = database().sql().inTransaction(h ->
                AuditRows.appendOnce(h, List.of(twice, asDraft(stored), twice, other), chain));

        assertEquals(2, appended.inserted());
        List<AuditEvent> events = appended.events();
        assertEquals(List.of(2L, 1L, 2L, 3L), events.stream().map(AuditEvent::seq).toList());
        assertEquals(stored, events.get(1));
        assertEquals(events.get(0), events.get(2));
        assertEquals(List.of(stored.id(), twice.id(), other.id()), eventIds());
        assertTrue(db.auditLog().verify(TENANT).intact());
    }

    @Test
    void aBatchOfTheMostDraftsIsOneLookUpAndOneInsertChainedGapFreeAndVerified() {
        AuditChain chain = database().protection().keys(db.tenantKeyStore()).chain();
        List<AuditEvent> drafts = new ArrayList<>();
        for (int i = 0; i < AuditRows.MAX_BATCH; i++) {
            drafts.add(draft(AuditEventType.SECRET_READ).detail("req-" + i).build());
        }
        List<String> statements = new ArrayList<>();

        AuditRows.Appended appended = DriverStatements.counting(db.dataSource(), statements)
                .inTransaction(h -> AuditRows.appendOnce(h, drafts, chain));

        assertEquals(AuditRows.MAX_BATCH, appended.inserted());
        assertEquals(LongStream.rangeClosed(1, AuditRows.MAX_BATCH).boxed().toList(),
                appended.events().stream().map(AuditEvent::seq).toList());
        assertEquals(drafts.stream().map(AuditEvent::id).toList(), appended.events().stream().map(AuditEvent::id).toList());
        assertEquals(List.of("SELECT", "SELECT", "INSERT", "UPDATE"), statements,
                "lock the head, look up the ids, insert every row, move the head");
        assertEquals(appended.events(), database().auditEvents(), "the events returned are the rows stored");
        assertEquals(AuditRows.MAX_BATCH, db.auditLog().head());
        AuditVerification verification = db.auditLog().verify(TENANT);
        assertTrue(verification.intact(), verification::problem);
        assertEquals(AuditRows.MAX_BATCH, verification.eventsChecked());
    }

    @Test
    void aBatchMixingStoredAndNewIdsInsertsOnlyTheNewOnesInOneStatementInDraftOrder() {
        List<AuditEvent> stored = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            stored.add(db.auditLog().append(draft(AuditEventType.SECRET_READ).detail("stored-" + i).build()));
        }
        AuditChain chain = database().protection().keys(db.tenantKeyStore()).chain();
        List<AuditEvent> batch = new ArrayList<>();
        List<AuditEvent> fresh = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            AuditEvent a = draft(AuditEventType.SECRET_READ).detail("new-" + (2 * i)).build();
            AuditEvent b = draft(AuditEventType.SECRET_READ).detail("new-" + (2 * i + 1)).build();
            fresh.add(a);
            fresh.add(b);
            batch.add(a);
            batch.add(asDraft(stored.get(i)));
            batch.add(b);
        }
        List<String> statements = new ArrayList<>();

        AuditRows.Appended appended = DriverStatements.counting(db.dataSource(), statements)
                .inTransaction(h -> AuditRows.appendOnce(h, batch, chain));

        assertEquals(200, appended.inserted());
        assertEquals(List.of("SELECT", "SELECT", "INSERT", "UPDATE"), statements);
        for (int i = 0; i < 100; i++) {
            assertEquals(stored.get(i), appended.events().get(3 * i + 1), "a stored id returns the stored event");
            assertEquals(101 + 2 * i, appended.events().get(3 * i).seq(), "new events take the next seqs in draft order");
            assertEquals(fresh.get(2 * i + 1).id(), appended.events().get(3 * i + 2).id());
            assertEquals(102 + 2 * i, appended.events().get(3 * i + 2).seq());
        }
        assertEquals(300, database().auditEvents().size());
        for (AuditEvent e : stored) {
            assertEquals(1, rowsWithId(e.id()));
        }
        AuditVerification verification = db.auditLog().verify(TENANT);
        assertTrue(verification.intact(), verification::problem);
        assertEquals(300, verification.eventsChecked());
    }

    @Test
    void aChangeWithMoreEventsThanABatchWritesThemInStatementsOfTheBoundChainedInOrder() {
        int count = AuditRows.MAX_BATCH + 88;
        List<AuditEvent> drafts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            drafts.add(draft(AuditEventType.POLICY_PUT).detail("change-" + i).build());
        }

        db.policyStore().put(TENANT, Policy.allow("ops", List.of("user:ops"), List.of("secrets:read"), List.of("*")),
                stored -> drafts);

        assertTrue(db.policyStore().get(TENANT, "ops").isPresent());
        assertEquals(drafts.stream().map(AuditEvent::id).toList(), eventIds(), "every event once, in the order returned");
        assertEquals(count, db.auditLog().head());
        AuditVerification verification = db.auditLog().verify(TENANT);
        assertTrue(verification.intact(), verification::problem);
        assertEquals(count, verification.eventsChecked());
        assertEquals(count + 1, db.auditLog().append(draft(AuditEventType.SECRET_READ).build()).seq(), "the chain goes on gap-free");
    }

    // Records the kind (first word) of every statement 'h' executes.
    @Test
    void eventIdsAreUniqueInTheSchema() {
        AuditEvent stored = db.auditLog().append(draft(AuditEventType.SECRET_READ).build());

        Expect.thrown(RuntimeException.class, () -> database().sql().useHandle(h -> h.createUpdate(
                "INSERT INTO audit_events (" + AuditRows.COLUMNS + ") SELECT 99, event_id, event_type, tenant, environment, path,"
                        + " version, principal, action, detail, source_ip, request_id, decision, reason, ticket, created_at,"
                        + " prev_hash, hash FROM audit_events WHERE seq = 1").execute()));

        assertEquals(1, rowsWithId(stored.id()));
    }

    @Test
    void rowsWithoutAnIdChainedTheOldWayStillVerify() {
        // Rows as the migration to event ids leaves them: event_id NULL, hashed without an id.
        AuditChain chain = database().protection().keys(db.tenantKeyStore()).chain();
        AuditEvent first = idless(draft(AuditEventType.SECRET_READ).build(), 1, AuditChain.GENESIS, chain);
        AuditEvent second = idless(draft(AuditEventType.VERSION_ADD).version(1).build(), 2, first.hash(), chain);
        database().sql().useTransaction(h -> {
            for (AuditEvent old : List.of(first, second)) {
                h.createUpdate("INSERT INTO audit_events (seq, event_type, tenant, environment, path, version, principal,"
                                + " request_id, decision, created_at, prev_hash, hash) VALUES (:seq, :type, :tenant, :env, :path,"
                                + " :version, :principal, :req, :decision, :at, :prev, :hash)")
                        .bind("seq", old.seq()).bind("type", old.eventType().name()).bind("tenant", old.tenant())
                        .bind("env", old.environment()).bind("path", old.path()).bind("version", old.version())
                        .bind("principal", old.principal()).bind("req", old.requestId()).bind("decision", old.decision().name())
                        .bind("at", old.createdAt().atOffset(java.time.ZoneOffset.UTC))
                        .bind("prev", old.prevHash()).bind("hash", old.hash()).execute();
            }
            h.createUpdate("UPDATE audit_head SET last_seq = 2, last_hash = :hash WHERE id = 1")
                    .bind("hash", second.hash()).execute();
        });

        AuditEvent next = db.auditLog().append(draft(AuditEventType.SECRET_READ).build());

        assertEquals(3, next.seq());
        assertEquals(second.hash(), next.prevHash());
        AuditVerification verification = db.auditLog().verify(TENANT);
        assertTrue(verification.intact(), verification::problem);
        assertEquals(3, verification.eventsChecked());
        List<AuditEvent> read = db.auditLog().query(dev.coffer.spi.audit.AuditQuery.tenant(TENANT), PageRequest.first()).items();
        assertEquals(List.of(first, second, next), read, "old rows read back without an id, exactly as chained");
        assertEquals(null, read.get(0).id());

        database().sql().useHandle(h -> h.execute("UPDATE audit_events SET principal = 'user:mallory' WHERE seq = 2"));
        assertEquals(2, db.auditLog().verify(TENANT).firstBrokenSeq(), "an old row is still covered by the chain");
    }

    // ---- installation steps recorded with the change they guard

    @Test
    void aStepMarkedDoneInAChangeCommitsWithItOrNotAtAll() {
        JdbiInstallation installation = db.installation();
        Policy admin = Policy.allow("admins", List.of("group:admins"), List.of("secrets:*"), List.of("*"));
        AuditEvent event = draft(AuditEventType.POLICY_PUT).build();

        Expect.thrown(IllegalStateException.class, () -> db.policyStore().put(TENANT, admin,
                installation.markingDone("first-step", T0, stored -> {
                    throw new IllegalStateException("injected after the step was inserted");
                })));
        assertFalse(installation.isDone("first-step"), "the step rolled back with the put");
        assertTrue(db.policyStore().get(TENANT, "admins").isEmpty());

        db.policyStore().put(TENANT, admin, installation.markingDone("first-step", T0, stored -> List.of(event)));
        assertTrue(installation.isDone("first-step"));
        assertEquals(List.of(event.id()), eventIds());

        db.policyStore().delete(TENANT, "admins", BeforeCommit.none());
        JdbiInstallation.StepAlreadyDone again = Expect.thrown(JdbiInstallation.StepAlreadyDone.class,
                () -> db.policyStore().put(TENANT, admin, installation.markingDone("first-step", T0,
                        stored -> List.of(draft(AuditEventType.POLICY_PUT).build()))));
        assertEquals("first-step", again.step());
        assertTrue(db.policyStore().get(TENANT, "admins").isEmpty(), "a step done before rolls the change back");
        assertEquals(List.of(event.id()), eventIds());
        assertFalse(installation.markDone("first-step", T0));
        assertTrue(installation.markDone("second-step", T0), "markDone records a step by itself");
    }

    @Test
    void aStepHookRefusesToRunOutsideItsDatabasesStores() {
        BeforeCommit<Policy> hook = db.installation().markingDone("wrapped-step", T0, BeforeCommit.none());
        Policy admin = Policy.allow("admins", List.of("group:admins"), List.of("secrets:*"), List.of("*"));

        Expect.thrown(IllegalStateException.class, () -> db.policyStore().put(TENANT, admin, stored -> hook.prepare(stored)));
        Expect.thrown(IllegalStateException.class,
                () -> new dev.coffer.spi.memory.InMemoryPolicyStore().put(TENANT, admin, hook));
        try (CofferDatabase other = soloInstance()) {
            Expect.thrown(IllegalArgumentException.class, () -> other.policyStore().put(TENANT, admin, hook),
                    () -> "another CofferDatabase's store has other connections");
        }

        assertFalse(db.installation().isDone("wrapped-step"));
        assertTrue(db.policyStore().get(TENANT, "admins").isEmpty());
    }

    // ---- group commit

    @Test
    void groupCommitGivesConcurrentAppendsGapFreeSeqsInFewerCommits() {
        long commitsBefore = db.auditLog().commitCount();

        List<Outcome<List<Long>>> outcomes = Concurrently.run(32, thread -> {
            List<Long> seqs = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                seqs.add(db.auditLog().append(draft(AuditEventType.SECRET_READ).build()).seq());
            }
            return seqs;
        });

        List<Long> seqs = new ArrayList<>();
        outcomes.forEach(o -> seqs.addAll(succeeded(o)));
        seqs.sort(Comparator.naturalOrder());
        assertEquals(LongStream.rangeClosed(1, 800).boxed().toList(), seqs);
        AuditVerification verification = db.auditLog().verify(TENANT);
        assertTrue(verification.intact(), verification::problem);
        assertEquals(800, verification.eventsChecked());
        long commits = db.auditLog().commitCount() - commitsBefore;
        assertTrue(db.auditLog().groupCommit());
        assertTrue(commits < 800, "800 appends should share commits, took " + commits);
    }

    @Test
    void failedBatchFailsEveryCallerWithAuditUnavailableAndTheNextAppendSucceeds() {
        blockAuditInserts(true);
        List<Outcome<AuditEvent>> outcomes;
        try {
            outcomes = Concurrently.run(8, i -> db.auditLog().append(draft(AuditEventType.SECRET_READ).build()));
        } finally {
            blockAuditInserts(false);
        }

        for (Outcome<AuditEvent> outcome : outcomes) {
            UnavailableException failure = assertInstanceOf(UnavailableException.class, outcome.failure());
            assertEquals(ErrorCode.AUDIT_UNAVAILABLE, failure.code());
        }
        assertEquals(1, db.auditLog().append(draft(AuditEventType.SECRET_READ).build()).seq());
    }

    @Test
    void withoutGroupCommitEveryAppendCommitsAlone() {
        try (CofferDatabase solo = CofferDatabase.open(database().config().toBuilder()
                .groupCommit(false).migrateOnStart(false).build(), database().protection())) {
            List<Outcome<Long>> outcomes = Concurrently.run(4, i -> solo.auditLog().append(draft(AuditEventType.SECRET_READ).build()).seq());

            outcomes.forEach(StorageBehaviourTests::succeeded);
            assertFalse(solo.auditLog().groupCommit());
            assertEquals(4, solo.auditLog().commitCount());
            assertTrue(db.auditLog().verify(TENANT).intact());
        }
    }

    // ---- tampering in plain SQL

    @Test
    void updateOnAuditEventsInSqlIsCaughtByVerify() {
        appendEvents(10);

        database().sql().useHandle(h -> h.execute("UPDATE audit_events SET principal = 'user:mallory' WHERE seq = 4"));

        AuditVerification verification = db.auditLog().verify(TENANT);
        assertFalse(verification.intact());
        assertEquals(4, verification.firstBrokenSeq());
    }

    @Test
    void deleteOnAuditEventsInSqlIsCaughtByVerify() {
        appendEvents(10);

        database().sql().useHandle(h -> h.execute("DELETE FROM audit_events WHERE seq = 4"));

        AuditVerification verification = db.auditLog().verify(TENANT);
        assertFalse(verification.intact());
        assertEquals(5, verification.firstBrokenSeq(), "the first event after the gap");
    }

    @Test
    void deletingTheNewestEventsInSqlIsCaughtAgainstTheHead() {
        appendEvents(10);

        database().sql().useHandle(h -> h.execute("DELETE FROM audit_events WHERE seq >= 9"));

        AuditVerification verification = db.auditLog().verify(TENANT);
        assertFalse(verification.intact());
        assertEquals(9, verification.firstBrokenSeq());
    }

    @Test
    void theEventsOfAStoreChangeCountTowardsTheAutomaticCheckpoint() {
        // One change whose hook returns exactly the count: the log's own appends are not involved,
        // so only the store's committed events can make the log checkpoint by itself.
        Secret secret = createSecret("prod/db/password");
        int every = JdbiAuditLog.CHECKPOINT_EVERY_EVENTS;
        List<AuditEvent> drafts = new ArrayList<>();
        for (int i = eventIds().size(); i < every; i++) {
            drafts.add(draft(AuditEventType.VERSION_ADD).version(1).build());
        }
        db.secretStore().addVersion(TENANT, secret.id(), n -> sealed(), "user:alice", T0, null, true, added -> drafts);
        assertEquals(every, eventIds().size());

        SqlTampering.truncate(database().sql(), every);

        AuditVerification verification = db.auditLog().verify(TENANT);
        assertFalse(verification.intact(), "the change's " + drafts.size() + " events completed the count of " + every
                + " and the log checkpointed by itself before addVersion returned; removing event " + every
                + " and moving audit_head back must not verify");
        assertEquals(every, verification.firstBrokenSeq(), verification::problem);
    }

    @Test
    void truncationInSqlWithTheHeadMovedBackIsCaughtAgainstTheCheckpoint() {
        appendEvents(10);
        db.auditLog().checkpoint();

        SqlTampering.truncate(database().sql(), 7);

        AuditVerification verification = db.auditLog().verify(TENANT);
        assertFalse(verification.intact(), "deleting events 7..10 and moving audit_head back must not verify");
        assertEquals(7, verification.firstBrokenSeq());
        assertTrue(verification.problem().contains("truncated"), verification.problem());
    }

    @Test
    void editInSqlWithEveryFollowingHashRecomputedWithoutTheKeyIsCaught() {
        appendEvents(10);
        db.auditLog().checkpoint();

        // What an attacker without the key can do: edit event 4 and recompute the plain SHA-256
        // chain from there on, including audit_head, so that every row links to the one before.
        database().sql().useTransaction(h -> {
            h.execute("UPDATE audit_events SET principal = 'user:mallory' WHERE seq = 4");
            List<AuditEvent> rows = h.createQuery("SELECT " + dev.coffer.jdbi.internal.AuditRows.COLUMNS
                    + " FROM audit_events WHERE seq >= 4 ORDER BY seq").map(dev.coffer.jdbi.internal.AuditRows::event).list();
            String prev = h.createQuery("SELECT hash FROM audit_events WHERE seq = 3").mapTo(String.class).one();
            for (AuditEvent row : rows) {
                String hash = AuditChain.unkeyed().hash(withPrevHash(row, prev));
                h.createUpdate("UPDATE audit_events SET prev_hash = :prev, hash = :hash WHERE seq = :seq")
                        .bind("prev", prev).bind("hash", hash).bind("seq", row.seq()).execute();
                prev = hash;
            }
            h.createUpdate("UPDATE audit_head SET last_hash = :hash WHERE id = 1").bind("hash", prev).execute();
        });

        AuditVerification verification = db.auditLog().verify(TENANT);
        assertFalse(verification.intact());
        assertEquals(4, verification.firstBrokenSeq(), "the edited event fails under the key");
    }

    @Test
    void movingTheStartOfTheKeyedChainInSqlIsCaughtAgainstTheCheckpoint() {
        appendEvents(5);
        db.auditLog().checkpoint();

        // Declaring every event pre-upgrade (unkeyed) would let plain SHA-256 rewrites verify.
        database().sql().useHandle(h -> h.execute("UPDATE audit_head SET keyed_from = 6 WHERE id = 1"));

        AuditVerification verification = db.auditLog().verify(TENANT);
        assertFalse(verification.intact());
        assertTrue(verification.problem().contains("start of the keyed chain was moved"), verification.problem());
    }

    @Test
    void verifyReportsOnlyTheTenantsOwnFigures() {
        appendEvents(3);
        db.auditLog().append(AuditEvent.builder(AuditEventType.SECRET_READ, "globex", "user:bob", "req-2", Decision.ALLOW, T0).build());
        appendEvents(1);

        AuditVerification acme = db.auditLog().verify(TENANT);
        AuditVerification globex = db.auditLog().verify("globex");
        assertTrue(acme.intact() && globex.intact());
        assertEquals(List.of(4L, 1L, 5L), List.of(acme.eventsChecked(), acme.firstSeq(), acme.lastSeq()));
        assertEquals(List.of(1L, 4L, 4L), List.of(globex.eventsChecked(), globex.firstSeq(), globex.lastSeq()));
    }

    @Test
    void appendProbeSucceedsWithoutWritingAndFailsWhileTheAuditTableRefusesWrites() {
        appendEvents(2);
        db.auditLog().probeAppend();
        assertEquals(2, eventTypes().size(), "the probe leaves no row");

        refuseAuditInserts(true);
        try {
            Expect.thrown(UnavailableException.class, ErrorCode.AUDIT_UNAVAILABLE, () -> db.auditLog().probeAppend());
        } finally {
            refuseAuditInserts(false);
        }
        db.auditLog().probeAppend();
        assertEquals(3, db.auditLog().append(draft(AuditEventType.SECRET_READ).build()).seq(), "the probe took no seq");
        assertTrue(db.auditLog().verify(TENANT).intact());
    }

    // ---- listing order, migrations off

    @Test
    void listingIsInCodePointOrderWhateverTheCollation() {
        List<String> paths = List.of("b/key", "B/key", "_x/key", "-x/key", "a.b/key", "a-b/key", "ab/key", "A/key", "9/key");
        paths.forEach(this::createSecretAt);

        List<String> listed = db.secretStore().listSecrets(TENANT, SecretFilter.environment("prod"), PageRequest.first())
                .items().stream().map(s -> s.path().path()).toList();

        assertEquals(paths.stream().sorted().toList(), listed);
    }

    @Test
    void aRowWhoseRotationPeriodCannotBeReadListsWithoutIt() {
        createSecret("prod/a");
        Secret unreadable = createSecret("prod/b");
        Secret hugePeriod = createSecret("prod/c");
        Secret negative = createSecret("prod/d");
        // Written behind the API, as a release without bounds or an operator's UPDATE would.
        database().sql().useHandle(h -> {
            h.execute("UPDATE secrets SET rotation_period = 'not-a-duration' WHERE id = ?", unreadable.id());
            h.execute("UPDATE secrets SET rotation_period = 'P999999999999D' WHERE id = ?", hugePeriod.id());
            h.execute("UPDATE secrets SET rotation_period = 'PT-5H' WHERE id = ?", negative.id());
        });

        List<Secret> listed = db.secretStore().listSecrets(TENANT, SecretFilter.all(), PageRequest.first()).items();

        assertEquals(List.of("a", "b", "c", "d"), listed.stream().map(s -> s.path().path()).toList());
        assertEquals(Duration.ofDays(90), listed.get(0).rotationPeriod());
        assertEquals(null, listed.get(1).rotationPeriod(), "an unreadable period reads as absent");
        assertEquals(null, listed.get(3).rotationPeriod(), "a non-positive period reads as absent");
        assertEquals(Duration.ofDays(999_999_999_999L), listed.get(2).rotationPeriod(), "a readable period is kept, bounds or not");
        assertTrue(listed.get(2).rotationDueAt().isEmpty(), "a due date beyond Instant.MAX is absent, not an exception");
        assertEquals(null, db.secretStore().findSecret(TENANT, unreadable.id()).orElseThrow().rotationPeriod());
    }

    @Test
    void migrationsOffOpensAnAlreadyMigratedDatabase() {
        Secret secret = createSecret("prod/db/password");

        try (CofferDatabase second = CofferDatabase.open(database().config().toBuilder().migrateOnStart(false).build(), database().protection())) {
            assertEquals(secret, second.secretStore().findSecret(TENANT, secret.id()).orElseThrow());
            second.secretStore().addVersion(TENANT, secret.id(), n -> sealed(), "user:alice", T0, null, true, BeforeCommit.none());
        }
        assertEquals(1, db.secretStore().listVersions(TENANT, secret.id()).size());
    }

    @Test
    void secretCreatedAgainUnderAPurgedIdContinuesItsNumbering() {
        Secret secret = createSecret("prod/db/password");
        for (int i = 0; i < 3; i++) {
            db.secretStore().addVersion(TENANT, secret.id(), n -> sealed(), "user:alice", T0, null, false, BeforeCommit.none());
        }
        db.secretStore().deleteSecret(TENANT, secret.id(), BeforeCommit.none());

        db.secretStore().createSecret(secret, BeforeCommit.none());

        assertEquals(4, db.secretStore().addVersion(TENANT, secret.id(), n -> sealed(), "user:alice", T0, null, false,
                BeforeCommit.none()).number(), "numbers are never handed out twice");
    }

    // ---- helpers

    /**
     * Makes the database refuse every insert into audit_events the way an operator's mistake
     * would (PostgreSQL: the privilege revoked from Coffer's role; H2: a trigger that raises),
     * or lifts that again.
     */
    abstract void refuseAuditInserts(boolean refuse);

    static AuditEvent withPrevHash(AuditEvent e, String prevHash) {
        return new AuditEvent(e.seq(), e.id(), e.eventType(), e.tenant(), e.environment(), e.path(), e.version(), e.principal(),
                e.action(), e.detail(), e.sourceIp(), e.requestId(), e.decision(), e.reason(), e.ticket(), e.createdAt(),
                prevHash, null);
    }

    // 'draft' positioned at 'seq' after 'prev' and hashed as before event ids: no id, none hashed.
    static AuditEvent idless(AuditEvent d, long seq, String prev, AuditChain chain) {
        AuditEvent positioned = new AuditEvent(seq, null, d.eventType(), d.tenant(), d.environment(), d.path(), d.version(),
                d.principal(), d.action(), d.detail(), d.sourceIp(), d.requestId(), d.decision(), d.reason(), d.ticket(),
                d.createdAt(), prev, "unhashed");
        return new AuditEvent(seq, null, d.eventType(), d.tenant(), d.environment(), d.path(), d.version(), d.principal(),
                d.action(), d.detail(), d.sourceIp(), d.requestId(), d.decision(), d.reason(), d.ticket(), d.createdAt(), prev,
                chain.hash(positioned));
    }

    // The draft 'e' was appended from.
    static AuditEvent asDraft(AuditEvent e) {
        return new AuditEvent(0, e.id(), e.eventType(), e.tenant(), e.environment(), e.path(), e.version(), e.principal(),
                e.action(), e.detail(), e.sourceIp(), e.requestId(), e.decision(), e.reason(), e.ticket(), e.createdAt(), null, null);
    }

    /** A second instance on the database, with group commit off. */
    CofferDatabase soloInstance() {
        return CofferDatabase.open(database().config().toBuilder().groupCommit(false).migrateOnStart(false).build(),
                database().protection());
    }

    List<String> eventIds() {
        return database().sql().withHandle(h -> h.createQuery("SELECT event_id FROM audit_events ORDER BY seq")
                .mapTo(String.class).list());
    }

    int rowsWithId(String id) {
        return database().sql().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM audit_events WHERE event_id = :id")
                .bind("id", id).mapTo(Integer.class).one());
    }

    /** Makes every insert into audit_events fail (a constraint no row meets), or lifts that again. */
    void blockAuditInserts(boolean block) {
        database().sql().useHandle(h -> h.execute(block
                ? "ALTER TABLE audit_events ADD CONSTRAINT block_appends CHECK (seq < 0)"
                : "ALTER TABLE audit_events DROP CONSTRAINT block_appends"));
    }

    Secret createSecret(String qualified) {
        SecretPath path = SecretPath.parse(TENANT, qualified);
        Secret secret = new Secret("sec_" + java.util.UUID.randomUUID().toString().replace("-", ""), path, "payments",
                "", null, Duration.ofDays(90), Map.of("tier", "gold"), T0, T0, null, null);
        return db.secretStore().createSecret(secret, BeforeCommit.none());
    }

    private void createSecretAt(String path) {
        createSecret("prod/" + path);
    }

    static SealedValue sealed() {
        return new SealedValue(new byte[] {1, 2, 3, 4}, new byte[] {5, 6, 7}, "key-1");
    }

    static AuditEvent.Builder draft(AuditEventType type) {
        return AuditEvent.builder(type, TENANT, "user:alice", "req-1", Decision.ALLOW, T0).secret("prod", "db/password");
    }

    void appendEvents(int count) {
        for (int i = 0; i < count; i++) {
            db.auditLog().append(draft(AuditEventType.SECRET_READ).build());
        }
    }

    List<AuditEventType> eventTypes() {
        return database().sql().withHandle(h -> h.createQuery("SELECT event_type FROM audit_events ORDER BY seq")
                .mapTo(String.class).list()).stream().map(AuditEventType::valueOf).toList();
    }

    static <T> T succeeded(Outcome<T> outcome) {
        if (!outcome.succeeded()) {
            throw new AssertionError("a concurrent call failed: " + outcome.failure(), outcome.failure());
        }
        return outcome.value();
    }
}
