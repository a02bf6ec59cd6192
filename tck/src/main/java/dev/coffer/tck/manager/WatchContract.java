package dev.coffer.tck.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Action;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.error.SecretsException;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretUpdate;
import dev.coffer.spi.watch.ChangeBatch;
import dev.coffer.spi.watch.ChangeKind;
import dev.coffer.spi.watch.ChangeSubscription;
import dev.coffer.spi.watch.SecretChange;
import dev.coffer.spi.watch.WatchRequest;
import dev.coffer.tck.ManagerFixture;
import dev.coffer.tck.support.MutableClock;
import dev.coffer.tck.support.TestValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The change stream ({@link dev.coffer.spi.SecretManager#watch}): each operation's change with its
 * path, version and alias; nothing for denied or failed attempts; only what the watcher may
 * describe now, plus every access change of its tenant; exact replay after a seq; a reset when the
 * gap cannot be replayed or the seq is ahead of the log; one {@code SECRET_WATCH} audit event per
 * subscription; never a value. Part of {@link dev.coffer.tck.SecretManagerContract}; skipped while
 * the manager under test has no change stream ({@code watch} throws
 * {@link UnsupportedOperationException}).
 *
 * <p>Waits are generous and never asserted on: a test polls until the change it expects (or a
 * marker change made after the ones it must not see) arrives, and fails after 20 s.
 */
public abstract class WatchContract extends ManagerContractBase {
    private static final Duration POLL_WAIT = Duration.ofMillis(200);
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final String SCOPE = "watch/";

    private final List<ChangeSubscription> opened = new ArrayList<>();
    private final AtomicInteger markers = new AtomicInteger();

    @AfterEach
    void closeSubscriptions() {
        opened.forEach(ChangeSubscription::close);
    }

    // ---------------------------------------------------------------- helpers

    /** Opens a subscription (closed after the test); skips the test when the manager has no change stream. */
    protected ChangeSubscription watch(AccessContext ctx, WatchRequest request) {
        ChangeSubscription subscription;
        try {
            subscription = manager().watch(ctx, request);
        } catch (UnsupportedOperationException e) {
            Assumptions.assumeTrue(false, "the manager under test has no change stream: " + e.getMessage());
            throw e;
        }
        opened.add(Objects.requireNonNull(subscription, "watch returned null"));
        return subscription;
    }

    /** The admin's subscription of {@code prod/watch/...} from now on. */
    private ChangeSubscription watchScope() {
        return watch(admin(), WatchRequest.of("prod", SCOPE));
    }

    /** Creates {@code prod/watch/<dir>marker-N} as admin: a change made after those a test must not see. */
    private Secret marker(String dir) {
        return createSecret("prod/" + SCOPE + dir + "marker-" + markers.incrementAndGet());
    }

    /** Polls until a change matching {@code last} arrives; returns every change up to it, in order. */
    private static List<SecretChange> until(ChangeSubscription subscription, Predicate<SecretChange> last, String what) {
        List<SecretChange> seen = new ArrayList<>();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            ChangeBatch batch = poll(subscription);
            assertFalse(batch.reset(), () -> "rule: a subscription that keeps up is never reset (ChangeSubscription.poll), waiting for "
                    + what + "; seen " + seen);
            for (SecretChange change : batch.changes()) {
                seen.add(change);
                if (last.test(change)) {
                    return seen;
                }
            }
            if (System.nanoTime() - deadline > 0) {
                fail("rule: every change reaches its subscriber (ChangeSubscription.poll); timed out waiting for " + what
                        + "; seen " + seen);
            }
        }
    }

    /** Polls until the creation of {@code secret} arrives. */
    private static List<SecretChange> untilCreated(ChangeSubscription subscription, Secret secret) {
        return until(subscription, c -> c.kind() == ChangeKind.SECRET_CREATED && secret.path().path().equals(c.path()),
                "the creation of " + secret.path().qualifiedName());
    }

    private static ChangeBatch poll(ChangeSubscription subscription) {
        try {
            return subscription.poll(ChangeSubscription.MAX_BATCH, POLL_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** A change as {@code KIND path version alias} (for comparing what arrived). */
    private static String describe(SecretChange c) {
        return c.kind() + (c.path() == null ? "" : " " + c.environment() + "/" + c.path()) + (c.version() == null ? "" : " v" + c.version())
                + (c.alias() == null ? "" : " #" + c.alias());
    }

    private static List<String> described(List<SecretChange> changes) {
        return changes.stream().map(WatchContract::describe).toList();
    }

    private Policy otherPolicy(String name) {
        return putPolicy(Policy.allow(name, List.of("user:tck-nobody"), List.of("secrets:read"), List.of("nowhere/*")));
    }

    // ---------------------------------------------------------------- kinds

    @Test
    void everyOperationArrivesAsItsKindWithPathVersionAndAlias() {
        ChangeSubscription changes = watchScope();
        Secret secret = createSecret("prod/watch/kinds");
        String id = secret.id();
        addCurrent(id, TestValues.text());
        addPending(id, TestValues.text());
        manager().moveAlias(admin(), id, "canary", 2, OptionalInt.empty());
        manager().removeAlias(admin(), id, "canary", OptionalInt.empty());
        manager().promote(admin(), id, 2, OptionalInt.of(1));
        manager().disable(admin(), id, 1);
        manager().enable(admin(), id, 1);
        manager().destroy(admin(), id, 1);
        manager().update(admin(), id, SecretUpdate.none().withDescription("watched"));
        manager().scheduleDeletion(admin(), id, 7);
        manager().restore(admin(), id);
        createSecret("staging/watch/kinds");      // another environment: out of scope
        createSecret("prod/elsewhere/kinds");     // another prefix: out of scope
        Secret gone = createSecret("prod/watch/gone");
        manager().forceDelete(admin(), gone.id());
        Policy policy = otherPolicy("tck-watch-kinds");
        manager().deletePolicy(admin(), policy.name());
        Secret marker = marker("");

        List<SecretChange> seen = untilCreated(changes, marker);

        String s = "prod/watch/kinds";
        assertEquals(List.of(
                "SECRET_CREATED " + s,
                "VERSION_ADDED " + s + " v1",
                "ALIAS_MOVED " + s + " v1 #current",
                "VERSION_ADDED " + s + " v2",
                "ALIAS_MOVED " + s + " v2 #canary",
                "ALIAS_REMOVED " + s + " #canary",
                "ALIAS_MOVED " + s + " v2 #current",
                "VERSION_DISABLED " + s + " v1",
                "VERSION_ENABLED " + s + " v1",
                "VERSION_DESTROYED " + s + " v1",
                "SECRET_UPDATED " + s,
                "DELETION_SCHEDULED " + s,
                "RESTORED " + s,
                "SECRET_CREATED prod/watch/gone",
                "PURGED prod/watch/gone",
                "ACCESS_CHANGED",
                "ACCESS_CHANGED",
                "SECRET_CREATED " + marker.path().environment() + "/" + marker.path().path()), described(seen),
                "rule: every change in scope arrives once, in order, as its kind with environment, path, version and alias"
                        + " (SecretManager.watch of prod/" + SCOPE + "; changes outside the scope never arrive)");
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i).seq() > seen.get(i - 1).seq(), "rule: changes arrive in seq order");
        }
        assertTrue(changes.cursor() >= seen.get(seen.size() - 1).seq(), "rule: the cursor is at or past the last change seen");
    }

    @Test
    void aPurgeAfterTheRecoveryWindowArrivesAsPurged() {
        requirePurge();
        MutableClock clock = clock();
        ChangeSubscription changes = watchScope();
        Secret secret = createSecret("prod/watch/purged");
        manager().scheduleDeletion(admin(), secret.id(), 7);
        clock.advance(Duration.ofDays(8));
        manager().purge(admin(), secret.id());
        Secret marker = marker("");

        assertEquals(List.of("SECRET_CREATED prod/watch/purged", "DELETION_SCHEDULED prod/watch/purged", "PURGED prod/watch/purged",
                "SECRET_CREATED prod/" + marker.path().path()), described(untilCreated(changes, marker)),
                "rule: a purge after the recovery window arrives as PURGED (SecretManager.purge)");
    }

    @Test
    void deniedAndFailedAttemptsBringNoChange() {
        ChangeSubscription changes = watchScope();
        Secret secret = createSecret("prod/watch/refused");
        AccessContext mallory = as(user("mallory"));
        assertThrows(SecretsException.class, () -> manager().create(mallory, NewSecret.builder(path("prod/watch/denied"), TEAM).build()));
        assertThrows(SecretsException.class, () -> manager().disable(mallory, secret.id(), 1));
        assertThrows(SecretsException.class, () -> manager().moveAlias(admin(), secret.id(), "current", 9, OptionalInt.empty()));
        assertThrows(SecretsException.class, () -> manager().disable(admin(), secret.id(), 3));
        assertThrows(SecretsException.class, () -> manager().scheduleDeletion(admin(), secret.id(), 1));
        assertThrows(SecretsException.class, () -> manager().restore(admin(), secret.id()));
        assertThrows(SecretsException.class, () -> manager().putPolicy(mallory,
                Policy.allow("tck-mallory", List.of("user:tck-mallory"), List.of("secrets:*"), List.of("*"))));
        Secret marker = marker("");

        assertEquals(List.of("SECRET_CREATED prod/watch/refused", "SECRET_CREATED prod/" + marker.path().path()),
                described(untilCreated(changes, marker)),
                "rule: a denied or failed attempt changed nothing and brings no change (denied create, disable and putPolicy by "
                        + "user:tck-mallory; moveAlias to a missing version, disable of a missing version, a too short recovery"
                        + " window and a restore of a secret not pending deletion by the admin)");
    }

    // ---------------------------------------------------------------- visibility

    @Test
    void aWatcherSeesOnlyPathsItMayDescribeButEveryAccessChange() {
        Principal bob = user("bob");
        grant(bob, Action.READ, "prod/watch/bob/*");
        Principal carol = user("carol");
        grant(carol, Action.ROTATE, "prod/watch/bob/*");
        ChangeSubscription bobs = watch(as(bob), WatchRequest.of(null, null));
        ChangeSubscription carols = watch(as(carol), WatchRequest.of(null, null));
        createSecret("prod/watch/hidden/x");
        Secret visible = createSecret("prod/watch/bob/x");
        otherPolicy("tck-watch-unrelated");
        Secret marker = marker("bob/");

        List<String> expected = List.of("SECRET_CREATED prod/watch/bob/x", "ACCESS_CHANGED", "SECRET_CREATED prod/" + marker.path().path());
        assertEquals(expected, described(untilCreated(bobs, marker)),
                "rule: a watcher sees changes only of paths it may describe (user:tck-bob may read prod/watch/bob/*, not"
                        + " prod/watch/hidden/x) and every access change of its tenant");
        assertEquals(expected, described(untilCreated(carols, marker)),
                "rule: any of read, write, rotate or admin lets a watcher see a path's changes (user:tck-carol may rotate"
                        + " prod/watch/bob/*)");
        assertTrue(visible.path().path().startsWith(SCOPE));
    }

    @Test
    void visibilityFollowsPoliciesPutAndDeletedMidStream() {
        Principal dave = user("dave");
        ChangeSubscription daves = watch(as(dave), WatchRequest.of("prod", null));
        createSecret("prod/watch/late/before");
        otherPolicy("tck-watch-first");
        assertEquals(List.of("ACCESS_CHANGED"), described(until(daves, c -> c.kind() == ChangeKind.ACCESS_CHANGED, "an access change")),
                "rule: a watcher who may describe nothing still subscribes and gets only access changes (user:tck-dave)");

        Policy granted = grant(dave, Action.READ, "prod/watch/late/*");
        Secret after = createSecret("prod/watch/late/after");
        assertEquals(List.of("ACCESS_CHANGED", "SECRET_CREATED prod/watch/late/after"), described(untilCreated(daves, after)),
                "rule: once a policy lets the watcher describe a path, its changes arrive (SecretManager.putPolicy mid-stream)");

        manager().deletePolicy(admin(), granted.name());
        createSecret("prod/watch/late/revoked");
        otherPolicy("tck-watch-last");
        AtomicInteger accessChanges = new AtomicInteger();
        List<SecretChange> last = until(daves, c -> c.kind() == ChangeKind.ACCESS_CHANGED && accessChanges.incrementAndGet() == 2,
                "the second access change after the grant was deleted");
        assertEquals(List.of("ACCESS_CHANGED", "ACCESS_CHANGED"), described(last),
                "rule: once the policy is deleted the path's changes no longer arrive (SecretManager.deletePolicy mid-stream;"
                        + " prod/watch/late/revoked hidden)");
    }

    @Test
    void aWatcherOfAnotherTenantSeesNothingOfThisOne() {
        Optional<AccessContext> other = fixture().secondTenantAdmin();
        Assumptions.assumeTrue(other.isPresent(), "the fixture has no second tenant");
        ChangeSubscription theirs = watch(other.get(), WatchRequest.of(null, null));
        createSecret("prod/watch/tenant");
        otherPolicy("tck-watch-tenant");
        Secret theirMarker = manager().create(other.get(), NewSecret.builder(
                dev.coffer.spi.model.SecretPath.parse(other.get().tenant(), "prod/watch/their-marker"), TEAM).build());

        assertEquals(List.of("SECRET_CREATED prod/watch/their-marker"), described(untilCreated(theirs, theirMarker)),
                "rule: a watcher sees only its own tenant's changes, access changes included (tenant " + other.get().tenant() + ")");
    }

    // ---------------------------------------------------------------- resume and reset

    @Test
    void resumingAfterASeqReplaysExactlyTheChangesAfterIt() {
        ChangeSubscription live = watchScope();
        Secret secret = createSecret("prod/watch/resume");
        addCurrent(secret.id(), TestValues.text());
        addPending(secret.id(), TestValues.text());
        manager().promote(admin(), secret.id(), 2, OptionalInt.of(1));
        Secret marker = marker("");
        List<SecretChange> all = untilCreated(live, marker);

        for (int k = 0; k < all.size(); k++) {
            long after = all.get(k).seq();
            ChangeSubscription resumed = watch(admin(), WatchRequest.of("prod", SCOPE).resumingAfter(after));
            List<SecretChange> expected = all.subList(k + 1, all.size());
            List<SecretChange> replayed = expected.isEmpty() ? List.of() : untilCreated(resumed, marker);
            assertEquals(expected, replayed, "rule: a subscription resumed after seq " + after
                    + " replays exactly the changes after it, each once (SecretManager.watch with WatchRequest.resumingAfter)");
            resumed.close();
        }
    }

    @Test
    void resumingAheadOfTheLogResetsToItsHead() {
        ChangeSubscription ahead = watch(admin(), WatchRequest.of("prod", SCOPE).resumingAfter(Long.MAX_VALUE / 2));
        ChangeBatch first = poll(ahead);
        assertTrue(first.reset(), "rule: a subscription resumed after a seq the log never had is reset (ChangeBatch.reset)");
        assertTrue(first.cursor() < Long.MAX_VALUE / 2, "rule: a reset moves the cursor to the log's head");
        Secret after = createSecret("prod/watch/after-reset");
        assertEquals(List.of("SECRET_CREATED prod/watch/after-reset"), described(untilCreated(ahead, after)),
                "rule: after a reset the stream carries on with the changes after its cursor");
    }

    @Test
    void resumingPastTheReplayLimitResetsAndCarriesOn() {
        ManagerFixture.WatchLimits limits = limits();
        Secret secret = createSecret("prod/watch/too-old");
        ChangeSubscription first = watchScope();
        addPending(secret.id(), TestValues.text());
        List<SecretChange> seen = until(first, c -> c.kind() == ChangeKind.VERSION_ADDED, "the first version");
        long after = seen.get(seen.size() - 1).seq();
        for (int i = 0; i <= limits.replayLimit(); i++) {
            addPending(secret.id(), TestValues.text());
        }

        ChangeSubscription tooOld = watch(admin(), WatchRequest.of("prod", SCOPE).resumingAfter(after));
        ChangeBatch batch = poll(tooOld);
        assertTrue(batch.reset(), "rule: a subscription resumed more than the replay limit (" + limits.replayLimit()
                + " events) behind the log's head is reset, not replayed");
        assertTrue(batch.cursor() > after, "rule: a reset moves the cursor to the log's head");
        Secret marker = marker("");
        assertEquals(List.of("SECRET_CREATED prod/" + marker.path().path()), described(untilCreated(tooOld, marker)),
                "rule: after a reset the stream carries on");
    }

    @Test
    void aSubscriberThatNeverPollsLaterReplaysWithinTheLimitAndIsResetBeyondIt() {
        ManagerFixture.WatchLimits limits = limits();
        Assumptions.assumeTrue(limits.window() * 2L < limits.replayLimit(), "the replay limit leaves no room behind the window");
        ChangeSubscription idle = watchScope();
        ChangeSubscription live = watchScope();
        Secret secret = createSecret("prod/watch/idle");
        int versions = limits.window() * 2; // more than the window holds, fewer events than the replay limit
        for (int i = 0; i < versions; i++) {
            addPending(secret.id(), TestValues.text());
        }
        Secret marker = marker("");
        List<SecretChange> expected = untilCreated(live, marker);
        assertEquals(versions + 2, expected.size(), "rule: every change reaches a subscriber that keeps up: " + described(expected));

        assertEquals(expected, untilCreated(idle, marker), "rule: a subscriber that did not poll while more changes than the window"
                + " holds (" + limits.window() + ") were made gets all of them once it polls, replayed from the log");

        for (int i = 0; i <= limits.replayLimit(); i++) {
            addPending(secret.id(), TestValues.text());
        }
        ChangeBatch behind = poll(idle);
        assertTrue(behind.reset(), "rule: a subscriber that fell more than the replay limit (" + limits.replayLimit()
                + " events) behind is reset");
        Secret next = marker("");
        assertEquals(List.of("SECRET_CREATED prod/" + next.path().path()), described(untilCreated(idle, next)),
                "rule: after a reset the stream carries on");
    }

    private ManagerFixture.WatchLimits limits() {
        Optional<ManagerFixture.WatchLimits> limits = fixture().watchLimits();
        Assumptions.assumeTrue(limits.isPresent(), "the fixture does not state its change stream's limits");
        return limits.get();
    }

    // ---------------------------------------------------------------- audit, values, lifecycle

    @Test
    void eachSubscriptionIsAuditedOnceAndNoChangeIs() {
        String requestId = requestId("watch");
        ChangeSubscription changes = watch(admin().withRequestId(requestId), WatchRequest.of("prod", SCOPE));
        Secret secret = createSecret("prod/watch/audited");
        addCurrent(secret.id(), TestValues.text());
        Secret marker = marker("");
        untilCreated(changes, marker);
        changes.close();

        AuditEvent opened = auditEventOf(requestId, AuditEventType.SECRET_WATCH,
                () -> "rule: SecretManager.watch is audited once, as SECRET_WATCH");
        assertEquals(Decision.ALLOW, opened.decision(), "rule: an opened subscription is audited as allowed");
        assertEquals(1, auditEventsOf(requestId).size(), () -> "rule: the changes a subscription delivers are not audited one by"
                + " one; events of the request: " + auditEventsOf(requestId));
        assertEquals(1, auditEvents(AuditEventType.SECRET_WATCH).size(), "rule: one SECRET_WATCH event per subscription");
    }

    @Test
    void noValueEverAppearsInAChange() {
        ChangeSubscription changes = watchScope();
        Secret secret = createSecret("prod/watch/values");
        List<String> values = List.of(TestValues.text(), TestValues.text(), TestValues.text());
        addCurrent(secret.id(), values.get(0));
        addPending(secret.id(), values.get(1));
        manager().promote(admin(), secret.id(), 2, OptionalInt.of(1));
        addCurrent(secret.id(), values.get(2));
        Secret marker = marker("");

        for (SecretChange change : untilCreated(changes, marker)) {
            String text = change.toString();
            for (String value : TestValues.issued()) {
                assertFalse(text.contains(value), () -> "rule: a change never carries a value (" + describe(change) + ")");
            }
        }
    }

    @Test
    void twoSubscriptionsEachGetEveryChange() {
        ChangeSubscription one = watchScope();
        ChangeSubscription two = watchScope();
        Secret secret = createSecret("prod/watch/both");
        addCurrent(secret.id(), TestValues.text());
        addPending(secret.id(), TestValues.text());
        manager().disable(admin(), secret.id(), 2);
        Secret marker = marker("");

        List<SecretChange> first = untilCreated(one, marker);
        assertEquals(6, first.size(), () -> "rule: every change arrives: " + described(first));
        assertEquals(first, untilCreated(two, marker), "rule: two subscriptions of one scope each get every change");
    }

    @Test
    void closeWakesAWaitingPollWhichReturnsNothing() throws Exception {
        ChangeSubscription changes = watchScope();
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread poller = new Thread(() -> {
            try {
                outcome.set(changes.poll(10, Duration.ofMinutes(2)));
            } catch (Throwable t) {
                outcome.set(t);
            }
        }, "tck-watch-poller");
        poller.start();
        Thread.sleep(200); // lets the poll start waiting; the assertion below does not depend on it
        changes.close();
        poller.join(DEADLINE.toMillis());
        assertFalse(poller.isAlive(), "rule: ChangeSubscription.close wakes a poll waiting for changes");
        assertTrue(outcome.get() instanceof ChangeBatch batch && batch.changes().isEmpty() && !batch.reset(),
                () -> "rule: a poll woken by close returns an empty batch; it returned " + outcome.get());
        assertThrows(IllegalStateException.class, () -> changes.poll(1, Duration.ZERO),
                "rule: ChangeSubscription.poll of a closed subscription throws IllegalStateException");
        changes.close(); // idempotent
    }

    @Test
    void pollRefusesBadArguments() {
        ChangeSubscription changes = watchScope();
        assertThrows(IllegalArgumentException.class, () -> changes.poll(0, Duration.ZERO), "rule: poll needs max >= 1");
        assertThrows(IllegalArgumentException.class, () -> changes.poll(ChangeSubscription.MAX_BATCH + 1, Duration.ZERO),
                "rule: poll returns at most MAX_BATCH changes");
        assertThrows(IllegalArgumentException.class, () -> changes.poll(1, Duration.ofMillis(-1)), "rule: poll refuses a negative wait");
    }

    @Test
    void aBatchHoldsAtMostMaxChanges() throws InterruptedException {
        ChangeSubscription changes = watchScope();
        Secret secret = createSecret("prod/watch/small-batches");
        for (int i = 0; i < 4; i++) {
            addPending(secret.id(), TestValues.text());
        }
        Secret marker = marker("");
        List<SecretChange> seen = new ArrayList<>();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (seen.stream().noneMatch(c -> marker.path().path().equals(c.path()))) {
            ChangeBatch batch = changes.poll(2, POLL_WAIT);
            assertTrue(batch.changes().size() <= 2, "rule: poll(max) returns at most max changes");
            seen.addAll(batch.changes());
            assertTrue(System.nanoTime() - deadline < 0, "timed out waiting for the marker; seen " + described(seen));
        }
        assertEquals(6, seen.size(), () -> "rule: small batches lose no change and repeat none: " + described(seen));
    }
}
