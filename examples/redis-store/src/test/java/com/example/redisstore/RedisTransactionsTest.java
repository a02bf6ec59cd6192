package com.example.redisstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.access.Policy;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.VersionRecord;
import dev.coffer.spi.store.AuditOutbox;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.SecretStore;
import dev.coffer.tck.support.Hooks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPool;

/**
 * What only Redis shows, beyond the TCK: a try that lost its {@code WATCH} race leaves no event
 * behind, the outbox keeps commit order across both stores and instances, acknowledge removes
 * exactly what it names, two instances over one prefix never hand out one version number twice,
 * and a Redis that cannot be reached fails as {@code STORE_UNAVAILABLE} without a value.
 */
@ExtendWith(UseRedis.class)
class RedisTransactionsTest {
    private static final String TENANT = "acme";
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private UseRedis.TestKeyspace space;
    private final List<RedisKeyspace> others = new ArrayList<>();
    private RedisSecretStore store;

    @BeforeEach
    void openKeyspace() {
        space = UseRedis.freshKeyspace();
        store = new RedisSecretStore(space.keyspace());
    }

    @AfterEach
    void closeKeyspaces() {
        others.forEach(RedisKeyspace::close);
        space.close();
    }

    /** A second "server instance": its own pool, the same prefix. */
    private RedisKeyspace secondInstance() {
        RedisKeyspace other = RedisKeyspace.connect(UseRedis.URL, space.keyspace().prefix());
        others.add(other);
        return other;
    }

    @Test
    void aRetriedTransactionKeepsOnlyTheCommittingTrysEvents() {
        Secret secret = store.createSecret(secret("prod", "payments/key"), BeforeCommit.none());
        RedisSecretStore instanceB = new RedisSecretStore(secondInstance());
        Hooks.Recording<Secret> recording = Hooks.recording(TENANT, 2);
        AtomicInteger calls = new AtomicInteger();
        BeforeCommit<Secret> hook = result -> {
            List<AuditEvent> events = recording.prepare(result);
            if (calls.incrementAndGet() == 1) {
                // Inside the first try, after its WATCH: another instance changes the same secret.
                instanceB.updateSecret(TENANT, secret.id(), s -> withLabel(s, "from-b", "1"), BeforeCommit.none());
            }
            return events;
        };

        Secret updated = store.updateSecret(TENANT, secret.id(), s -> withLabel(s, "from-a", "1"), hook);

        assertEquals(2, calls.get(), "rule: a try whose WATCH was broken runs again, hook included");
        assertEquals(Map.of("tier", "gold", "from-a", "1", "from-b", "1"), updated.labels(),
                "rule: the retry re-reads, so the change of the other instance survives");
        List<AuditEvent> pending = store.auditOutbox().pending(AuditOutbox.MAX_BATCH);
        assertEquals(recording.calls().get(1), pending,
                "rule: only the committing try's events are in the outbox, in the order prepare returned them");
        Set<String> pendingIds = ids(pending);
        recording.calls().get(0).forEach(lost -> assertFalse(pendingIds.contains(lost.id()),
                () -> "rule: event " + lost.id() + " of the try that lost the race must not be in the outbox"));
    }

    @Test
    void aChangeThatLosesEveryTryGivesUpWithNothingWritten() {
        Secret secret = store.createSecret(secret("prod", "contended"), BeforeCommit.none());
        RedisSecretStore instanceB = new RedisSecretStore(secondInstance());
        AtomicInteger calls = new AtomicInteger();
        BeforeCommit<Secret> alwaysRaced = result -> {
            calls.incrementAndGet();
            instanceB.updateSecret(TENANT, secret.id(), s -> s, BeforeCommit.none());
            return List.of(Hooks.draft(TENANT, "lost"));
        };

        UnavailableException failure = assertThrows(UnavailableException.class,
                () -> store.updateSecret(TENANT, secret.id(), s -> withLabel(s, "never", "1"), alwaysRaced));

        assertEquals(ErrorCode.STORE_UNAVAILABLE, failure.code());
        assertEquals(RedisKeyspace.MAX_TRIES, calls.get(), "the change is tried MAX_TRIES times, then given up");
        assertFalse(store.findSecret(TENANT, secret.id()).orElseThrow().labels().containsKey("never"));
        assertEquals(List.of(), store.auditOutbox().pending(AuditOutbox.MAX_BATCH), "no try committed, so no event waits");
    }

    @Test
    void aFailingHookLeavesNothingAndItsExceptionReachesTheCaller() {
        IllegalStateException refusal = new IllegalStateException("refused by the hook");
        BeforeCommit<Secret> refusing = result -> {
            throw refusal;
        };

        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> store.createSecret(secret("prod", "refused"), refusing));

        assertSame(refusal, thrown, "the hook's own exception, unchanged");
        assertTrue(store.findSecretByPath(SecretPath.of(TENANT, "prod", "refused")).isEmpty());
        assertEquals(List.of(), store.auditOutbox().pending(10));
    }

    @Test
    void outboxKeepsCommitOrderAcrossBothStoresAndAcknowledgeRemovesExactlyTheGivenIds() {
        RedisPolicyStore policies = new RedisPolicyStore(space.keyspace());
        assertSame(store.auditOutbox(), policies.auditOutbox(), "the two stores share one outbox");
        List<AuditEvent> committed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            AuditEvent first = Hooks.draft(TENANT, "secret " + i + " a");
            AuditEvent second = Hooks.draft(TENANT, "secret " + i + " b");
            store.createSecret(secret("prod", "svc/key" + i), result -> List.of(first, second));
            committed.add(first);
            committed.add(second);
            AuditEvent policyEvent = Hooks.draft(TENANT, "policy " + i);
            policies.put(TENANT, Policy.allow("p" + i, List.of("user:x"), List.of("secrets:read"), List.of("prod/*")),
                    result -> List.of(policyEvent));
            committed.add(policyEvent);
        }
        AuditOutbox outbox = store.auditOutbox();

        assertEquals(committed, outbox.pending(AuditOutbox.MAX_BATCH), "rule: oldest first, every field as committed");
        assertEquals(committed.subList(0, 4), outbox.pending(4), "rule: pending(max) returns the oldest max");
        AuditOutbox sameStorage = new RedisSecretStore(secondInstance()).auditOutbox();
        assertEquals(committed, sameStorage.pending(AuditOutbox.MAX_BATCH), "rule: every instance on the storage sees the outbox");

        List<String> acknowledged = List.of(committed.get(0).id(), committed.get(4).id(), "unknown-id");
        sameStorage.acknowledge(acknowledged);

        List<AuditEvent> left = new ArrayList<>(committed);
        left.remove(4);
        left.remove(0);
        assertEquals(left, outbox.pending(AuditOutbox.MAX_BATCH), "rule: acknowledge removes exactly the given ids");
        outbox.acknowledge(ids(left));
        assertEquals(List.of(), outbox.pending(AuditOutbox.MAX_BATCH), "rule: an acknowledged event never comes back");
        assertThrows(IllegalArgumentException.class, () -> outbox.pending(0));
        assertThrows(IllegalArgumentException.class, () -> outbox.pending(AuditOutbox.MAX_BATCH + 1));
    }

    @Test
    void aHookReturningAnEventTwiceOrOneAlreadyWaitingIsRefusedAndTheChangeUndone() {
        AuditEvent draft = Hooks.draft(TENANT, "twice");

        assertThrows(IllegalArgumentException.class,
                () -> store.createSecret(secret("prod", "twice"), result -> List.of(draft, draft)));
        assertTrue(store.findSecretByPath(SecretPath.of(TENANT, "prod", "twice")).isEmpty());

        store.createSecret(secret("prod", "once"), result -> List.of(draft));
        Secret other = store.createSecret(secret("prod", "other"), BeforeCommit.none());
        assertThrows(IllegalArgumentException.class,
                () -> store.deleteSecret(TENANT, other.id(), result -> List.of(draft)),
                "an id already waiting in the outbox is refused");
        assertTrue(store.findSecret(TENANT, other.id()).isPresent());
        assertEquals(List.of(draft), store.auditOutbox().pending(10));
    }

    @Test
    void twoInstancesOverOnePrefixNeverAllocateOneNumberTwice() throws Exception {
        Secret secret = store.createSecret(secret("prod", "shared"), BeforeCommit.none());
        List<SecretStore> instances = List.of(store, new RedisSecretStore(secondInstance()));
        int perInstance = 12;
        Map<Integer, String> sealedFor = Collections.synchronizedMap(new HashMap<>());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<VersionRecord>> adds = new ArrayList<>();
            for (SecretStore instance : instances) {
                for (int i = 0; i < perInstance; i++) {
                    adds.add(() -> instance.addVersion(TENANT, secret.id(), number -> {
                        sealedFor.put(number, "sealed for " + number);
                        return sealed("sealed for " + number);
                    }, "user:writer", T0, null, true, BeforeCommit.none()));
                }
            }
            List<Integer> numbers = new ArrayList<>();
            for (Future<VersionRecord> added : pool.invokeAll(adds, 60, TimeUnit.SECONDS)) {
                numbers.add(added.get().number());
            }
            Collections.sort(numbers);
            assertEquals(IntStream.rangeClosed(1, 2 * perInstance).boxed().toList(), numbers,
                    "rule: numbers from 1 without gap or duplicate, whichever instance allocated them");
        } finally {
            pool.shutdownNow();
        }
        for (int n = 1; n <= 2 * perInstance; n++) {
            SealedValue stored = store.loadSealedValue(TENANT, secret.id(), n).orElseThrow();
            assertEquals("sealed for " + n, new String(stored.ciphertext(), StandardCharsets.UTF_8),
                    "each number keeps what was sealed for it on the try that committed");
        }

        // Deleted on one instance and created again under the same id on the other: numbering resumes.
        store.deleteSecret(TENANT, secret.id(), BeforeCommit.none());
        SecretStore instanceB = instances.get(1);
        instanceB.createSecret(secret, BeforeCommit.none());
        VersionRecord next = instanceB.addVersion(TENANT, secret.id(), n -> sealed("again"), "user:writer", T0, null, true,
                BeforeCommit.none());
        assertEquals(2 * perInstance + 1, next.number(), "rule: numbers are never reused, not even after delete");
        assertEquals(List.of(next), store.listVersions(TENANT, secret.id()));
    }

    @Test
    void listingOrderComparesEnvironmentFirstThenPath() {
        for (String qualified : List.of("prod-eu/a", "prod/db_x", "prod/dbA", "prod/db/x", "prod/db.x", "prod/db-x", "prod/db",
                "dev/z")) {
            int slash = qualified.indexOf('/');
            store.createSecret(secret(qualified.substring(0, slash), qualified.substring(slash + 1)), BeforeCommit.none());
        }

        List<String> listed = store.listSecrets(TENANT, dev.coffer.spi.model.SecretFilter.all(),
                        dev.coffer.spi.model.PageRequest.first(100)).items().stream()
                .map(s -> s.path().qualifiedName()).toList();

        assertEquals(List.of("dev/z", "prod/db", "prod/db-x", "prod/db.x", "prod/db/x", "prod/dbA", "prod/db_x", "prod-eu/a"),
                listed);
        assertEquals(new TreeSet<>(listed).size(), listed.size());
    }

    @Test
    void anUnreachableRedisFailsAsStoreUnavailableWithoutValues() {
        JedisPool nowhere = new JedisPool("127.0.0.1", 1); // nothing listens on port 1
        RedisKeyspace down = new RedisKeyspace(nowhere, "{coffer-down-" + UUID.randomUUID() + "}:");
        others.add(down);
        RedisSecretStore unreachable = new RedisSecretStore(down);
        AtomicInteger hookCalls = new AtomicInteger();

        UnavailableException read = assertThrows(UnavailableException.class, () -> unreachable.findSecret(TENANT, "sec_x"));
        UnavailableException write = assertThrows(UnavailableException.class,
                () -> unreachable.createSecret(secret("prod", "down"), result -> {
                    hookCalls.incrementAndGet();
                    return List.of();
                }));
        UnavailableException relay = assertThrows(UnavailableException.class, () -> unreachable.auditOutbox().pending(10));

        for (UnavailableException failure : List.of(read, write, relay)) {
            assertEquals(ErrorCode.STORE_UNAVAILABLE, failure.code());
            assertTrue(failure.getMessage().startsWith("Redis failed during "), failure::getMessage);
        }
        assertEquals(0, hookCalls.get(), "nothing was read, so the hook never ran");
    }

    private static Secret secret(String environment, String path) {
        return new Secret("sec_" + UUID.randomUUID().toString().replace("-", ""), SecretPath.of(TENANT, environment, path),
                "team", "", Secret.ROTATION_MANUAL_OVERLAP, Duration.ofDays(90), Map.of("tier", "gold"), T0, T0, null, null);
    }

    private static Secret withLabel(Secret s, String key, String value) {
        Map<String, String> labels = new HashMap<>(s.labels());
        labels.put(key, value);
        return new Secret(s.id(), s.path(), s.ownerTeam(), s.description(), s.rotationStrategy(), s.rotationPeriod(), labels,
                s.createdAt(), s.updatedAt(), s.deletionScheduledAt(), s.lastRotatedAt());
    }

    private static SealedValue sealed(String marker) {
        return new SealedValue(marker.getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3}, "key-1");
    }

    private static Set<String> ids(List<AuditEvent> events) {
        Set<String> ids = new TreeSet<>();
        events.forEach(e -> ids.add(e.id()));
        return ids;
    }
}
