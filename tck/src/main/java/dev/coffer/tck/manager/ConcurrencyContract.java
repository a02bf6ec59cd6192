package dev.coffer.tck.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretVersion;
import dev.coffer.spi.model.VersionStatus;
import dev.coffer.tck.support.TestValues;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Racing callers: compare-and-set has exactly one winner and version numbers stay dense and
 * unique. Part of {@link dev.coffer.tck.SecretManagerContract}.
 */
public abstract class ConcurrencyContract extends ManagerContractBase {
    private static final int THREADS = 16;
    private static final int READERS = 4;
    private static final int ROUNDS = 20;
    private static final long TIMEOUT_SECONDS = 60;

    /** Outcome of one racing call: the value it returned or the exception it threw. */
    private record Outcome<T>(T value, Throwable failure) {}

    /** Runs every task at once behind a start gate and returns their outcomes in task order. */
    private static <T> List<Outcome<T>> race(List<Callable<T>> tasks) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        CountDownLatch ready = new CountDownLatch(tasks.size());
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    start.await();
                    return task.call();
                }));
            }
            assertTrue(ready.await(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                    () -> "TCK harness: " + tasks.size() + " racing calls did not all start within " + TIMEOUT_SECONDS + "s");
            start.countDown();
            List<Outcome<T>> outcomes = new ArrayList<>();
            for (Future<T> future : futures) {
                try {
                    outcomes.add(new Outcome<>(future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), null));
                } catch (ExecutionException e) {
                    outcomes.add(new Outcome<>(null, e.getCause()));
                } catch (TimeoutException e) {
                    throw new AssertionError("rule: racing SecretManager calls finish (no deadlock); a racing call did not"
                            + " finish within " + TIMEOUT_SECONDS + "s");
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                    () -> "rule: racing SecretManager calls finish (no deadlock); racers did not stop within "
                            + TIMEOUT_SECONDS + "s");
        }
    }

    @Test
    void racingPromotionsHaveExactlyOneWinner() throws InterruptedException {
        Secret secret = createSecret("prod/race/promote");
        addCurrent(secret.id(), TestValues.text());
        for (int i = 0; i < THREADS; i++) {
            addPending(secret.id(), TestValues.text());
        }
        List<Callable<Integer>> promotions = IntStream.rangeClosed(2, THREADS + 1)
                .<Callable<Integer>>mapToObj(v -> () -> {
                    manager().promote(admin(), secret.id(), v, OptionalInt.of(1));
                    return v;
                })
                .toList();

        List<Outcome<Integer>> outcomes = race(promotions);

        String racing = THREADS + " racing SecretManager.promote(" + secret.path() + ", to 2.." + (THREADS + 1)
                + ", each expecting current 1)";
        List<Integer> winners = outcomes.stream().filter(o -> o.failure() == null).map(Outcome::value).toList();
        assertEquals(1, winners.size(), () -> "rule: promote is compare-and-set, so exactly one of " + racing + " wins;"
                + " winners (target versions): " + winners);
        for (Outcome<Integer> loser : outcomes) {
            if (loser.failure() != null) {
                assertTrue(loser.failure() instanceof ConflictException c && c.code() == ErrorCode.VERSION_CONFLICT,
                        () -> "rule: every loser of " + racing + " fails with VERSION_CONFLICT; got " + loser.failure());
            }
        }
        int winner = winners.get(0);
        assertAliases(secret.id(),
                () -> "rule: after " + racing + ", current is the winner's target " + winner + " and previous is 1",
                "current", winner, "previous", 1);
        Map<Integer, VersionStatus> expected = new TreeMap<>();
        expected.put(1, VersionStatus.PREVIOUS);
        for (int v = 2; v <= THREADS + 1; v++) {
            expected.put(v, v == winner ? VersionStatus.CURRENT : VersionStatus.PENDING);
        }
        assertEquals(expected, statuses(secret.id()), () -> "rule: after " + racing + ", version " + winner
                + " is CURRENT, 1 PREVIOUS and every loser's target still PENDING (SecretManager.versions)");
    }

    @Test
    void concurrentAddsGetNumbersOneToSixteen() throws InterruptedException {
        Secret secret = createSecret("prod/race/add");
        List<Callable<Integer>> adds = IntStream.range(0, THREADS)
                .<Callable<Integer>>mapToObj(i -> () -> addPending(secret.id(), TestValues.text()).number())
                .toList();

        List<Outcome<Integer>> outcomes = race(adds);

        String racing = THREADS + " concurrent SecretManager.addVersion(" + secret.path() + ", PENDING)";
        for (Outcome<Integer> o : outcomes) {
            assertEquals(null, o.failure(), () -> "rule: every one of " + racing + " succeeds; one failed: " + o.failure());
        }
        List<Integer> expected = IntStream.rangeClosed(1, THREADS).boxed().toList();
        assertEquals(expected, outcomes.stream().map(Outcome::value).sorted().toList(),
                () -> "rule: " + racing + " return the numbers 1.." + THREADS + ", each once (dense, unique)");
        assertEquals(expected, manager().versions(admin(), secret.id()).stream().map(SecretVersion::number).toList(),
                () -> "rule: after " + racing + ", SecretManager.versions lists 1.." + THREADS + " in order");
    }

    @Test
    void concurrentCurrentAddsLeaveOneCurrentAndOnePrevious() throws InterruptedException {
        Secret secret = createSecret("prod/race/add-current");
        List<Callable<Integer>> adds = IntStream.range(0, THREADS)
                .<Callable<Integer>>mapToObj(i -> () -> addCurrent(secret.id(), TestValues.text()).number())
                .toList();

        String racing = THREADS + " concurrent SecretManager.addVersion(" + secret.path() + ", CURRENT)";
        race(adds).forEach(o -> assertEquals(null, o.failure(),
                () -> "rule: every one of " + racing + " succeeds; one failed: " + o.failure()));

        Map<Integer, VersionStatus> statuses = statuses(secret.id());
        assertEquals(THREADS, statuses.size(), () -> "rule: " + racing + " leave " + THREADS + " versions; statuses " + statuses);
        assertEquals(1, statuses.values().stream().filter(s -> s == VersionStatus.CURRENT).count(),
                () -> "rule: after " + racing + ", exactly one version is CURRENT; statuses " + statuses);
        assertEquals(1, statuses.values().stream().filter(s -> s == VersionStatus.PREVIOUS).count(),
                () -> "rule: after " + racing + ", exactly one version is PREVIOUS; statuses " + statuses);
        assertEquals(THREADS - 2, statuses.values().stream().filter(s -> s == VersionStatus.PENDING).count(),
                () -> "rule: after " + racing + ", every version but current and previous reads PENDING; statuses " + statuses);
        // number allocation and the move of current are one atomic step, so the newest number wins
        assertAliases(secret.id(),
                () -> "rule: addVersion(CURRENT) allocates the number and moves current in one atomic step, so after "
                        + racing + " current is the newest (" + THREADS + ") and previous the one before",
                "current", THREADS, "previous", THREADS - 1);
    }

    /**
     * Many rounds of racing CURRENT adds on one secret: each add moves {@code current} from the
     * version just before it, so the audited moves form one chain ({@code from=n-1 to=n}, no
     * two moves from the same version) and {@code previous} is always the version replaced. A
     * store that reads the aliases from a snapshot older than its lock forks the chain.
     */
    @Test
    void racingCurrentAddsMoveCurrentAlongOneChain() throws InterruptedException {
        Secret secret = createSecret("prod/race/chain");
        for (int round = 1; round <= ROUNDS; round++) {
            // Readers of the aliases race the adds until the last one is done, as the callers of a
            // real server do: a store that serves a read from before a commit shows it here.
            AtomicInteger adding = new AtomicInteger(THREADS);
            List<Callable<Integer>> calls = IntStream.range(0, THREADS + READERS)
                    .<Callable<Integer>>mapToObj(i -> i < THREADS
                            ? () -> {
                                try {
                                    return addCurrent(secret.id(), TestValues.text()).number();
                                } finally {
                                    adding.decrementAndGet();
                                }
                            }
                            : () -> {
                                int reads = 0;
                                do {
                                    reads += aliases(secret.id()).isEmpty() ? 0 : 1;
                                } while (adding.get() > 0);
                                return reads;
                            })
                    .toList();
            int done = round;
            race(calls).forEach(o -> assertEquals(null, o.failure(), () -> "rule: racing SecretManager.addVersion("
                    + secret.path() + ", CURRENT) and SecretManager.describe all succeed (round " + done + "); one failed: "
                    + o.failure()));
            int last = round * THREADS;
            assertAliases(secret.id(),
                    () -> "rule: after round " + done + " of racing addVersion(CURRENT) on " + secret.path()
                            + ", current is the newest version " + last + " and previous the one before",
                    "current", last, "previous", last - 1);
        }

        List<String> moves = auditEvents(auditQuery().withSecret("prod", "race/chain").withEventType(AuditEventType.ALIAS_MOVE))
                .stream().map(AuditEvent::detail).toList();
        List<String> chain = IntStream.rangeClosed(1, ROUNDS * THREADS)
                .mapToObj(v -> "alias=current from=" + (v == 1 ? "none" : String.valueOf(v - 1)) + " to=" + v)
                .toList();
        List<String> forked = moves.stream().filter(m -> !chain.contains(m)).toList();
        assertEquals(List.of(), forked, () -> "rule: each addVersion(CURRENT) moves current from the version just before it,"
                + " so the ALIAS_MOVE events of " + secret.path() + " form one chain; these moves did not start at the"
                + " version replaced (SecretManager.queryAudit)");
        assertEquals(chain, moves.stream().sorted(Comparator.comparingInt(ConcurrencyContract::target)).toList(),
                () -> "rule: " + (ROUNDS * THREADS) + " addVersion(CURRENT) calls on " + secret.path() + " leave exactly one"
                        + " ALIAS_MOVE per version, from=n-1 to=n (SecretManager.queryAudit)");
    }

    private static int target(String moveDetail) {
        return Integer.parseInt(moveDetail.substring(moveDetail.lastIndexOf("to=") + 3));
    }

    @Test
    void racingCreatesOfOnePathHaveExactlyOneWinner() throws InterruptedException {
        List<Callable<String>> creates = IntStream.range(0, THREADS)
                .<Callable<String>>mapToObj(i -> () -> createSecret("prod/race/create").id())
                .toList();

        List<Outcome<String>> outcomes = race(creates);

        String racing = THREADS + " racing SecretManager.create(" + path("prod/race/create") + ")";
        assertEquals(1, outcomes.stream().filter(o -> o.failure() == null).count(),
                () -> "rule: a path names one secret, so exactly one of " + racing + " wins; created ids "
                        + outcomes.stream().filter(o -> o.failure() == null).map(Outcome::value).toList());
        outcomes.stream().filter(o -> o.failure() != null).forEach(o -> assertTrue(
                o.failure() instanceof ConflictException c && c.code() == ErrorCode.SECRET_EXISTS,
                () -> "rule: every loser of " + racing + " fails with SECRET_EXISTS; got " + o.failure()));
    }
}
