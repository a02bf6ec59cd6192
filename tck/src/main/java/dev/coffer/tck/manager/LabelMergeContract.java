package dev.coffer.tck.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.SecretsException;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretRef;
import dev.coffer.spi.model.SecretUpdate;
import dev.coffer.tck.support.Expect;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Label updates: {@code labels} replaces the map, a merge ({@code putLabels}, {@code removeLabels})
 * changes only the keys it names, atomically, within the label limits. Part of
 * {@link dev.coffer.tck.SecretManagerContract}.
 */
public abstract class LabelMergeContract extends ManagerContractBase {
    private static final int THREADS = 8;
    private static final int KEYS_PER_THREAD = 4;

    private Secret labelled(String environmentAndPath, Map<String, String> labels) {
        Secret secret = createSecret(environmentAndPath);
        return manager().update(admin(), secret.id(), SecretUpdate.none().withLabels(labels));
    }

    @Test
    public void aMergePutsAndRemovesOnlyTheKeysItNames() {
        Secret secret = labelled("prod/labels/merge", Map.of("team", "payments", "tier", "1", "legacy", "yes"));
        Secret merged = manager().update(admin(), secret.id(),
                SecretUpdate.none().withLabelsPut(Map.of("tier", "0", "region", "eu")).withLabelsRemoved(Set.of("legacy", "never-set")));
        Map<String, String> expected = Map.of("team", "payments", "tier", "0", "region", "eu");
        assertEquals(expected, merged.labels(), () -> "rule: SecretManager.update with putLabels {tier=0, region=eu} and"
                + " removeLabels [legacy, never-set] changes only those keys; the returned labels of " + secret.path()
                + " keep team, drop legacy, ignore never-set");
        assertEquals(expected, manager().describe(admin(), secret.id()).secret().labels(),
                () -> "rule: a label merge by SecretManager.update is stored: SecretManager.describe of " + secret.path()
                        + " shows the merged labels");
    }

    @Test
    public void aMergeByNameKeepsTheOtherLabels() {
        labelled("prod/labels/by-name", Map.of("team", "payments"));
        SecretRef ref = SecretRef.path(path("prod/labels/by-name"));
        manager().update(admin(), ref, SecretUpdate.none().withLabelsPut(Map.of("tier", "0")));
        assertEquals(Map.of("team", "payments", "tier", "0"), manager().describe(admin(), ref).secret().labels(),
                () -> "rule: SecretManager.update by path (" + ref + ") with putLabels {tier=0} keeps the other label"
                        + " team=payments (SecretManager.describe)");
    }

    @Test
    public void labelsReplaceTheWholeMap() {
        Secret secret = labelled("prod/labels/replace", Map.of("team", "payments", "tier", "1"));
        assertEquals(Map.of("tier", "0"), manager().update(admin(), secret.id(), SecretUpdate.none().withLabels(Map.of("tier", "0"))).labels(),
                () -> "rule: SecretManager.update with labels {tier=0} replaces the whole map of " + secret.path()
                        + " (team=payments, tier=1 before): only tier=0 is left");
    }

    @Test
    public void aKeyBothPutAndRemovedIsRefused() {
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> SecretUpdate.none().withLabelsPut(Map.of("tier", "0")).withLabelsRemoved(Set.of("tier")),
                () -> "rule: a SecretUpdate may not both put and remove the same label key (tier): INVALID_ARGUMENT");
    }

    @Test
    public void replacingAndMergingInOneUpdateIsRefused() {
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> SecretUpdate.none().withLabels(Map.of("a", "1")).withLabelsPut(Map.of("b", "2")),
                () -> "rule: a SecretUpdate may not both replace the labels (withLabels) and merge (withLabelsPut):"
                        + " INVALID_ARGUMENT");
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> SecretUpdate.none().withLabelsRemoved(Set.of("a")).withLabels(Map.of("b", "2")),
                () -> "rule: a SecretUpdate may not both merge (withLabelsRemoved) and replace the labels (withLabels):"
                        + " INVALID_ARGUMENT");
    }

    @Test
    public void aMergePastTheLabelLimitIsRefusedAndChangesNothing() {
        Map<String, String> full = new HashMap<>();
        for (int i = 0; i < 64; i++) {
            full.put("k" + i, "v");
        }
        Secret secret = labelled("prod/labels/full", full);
        Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                () -> manager().update(admin(), secret.id(), SecretUpdate.none().withLabelsPut(Map.of("one-more", "v"))),
                () -> "rule: SecretManager.update refuses a merge whose result exceeds the label limit (64 labels on "
                        + secret.path() + ", putLabels one-more makes 65): INVALID_ARGUMENT");
        assertEquals(full, manager().describe(admin(), secret.id()).secret().labels(),
                () -> "rule: a refused label merge changes nothing; " + secret.path() + " keeps its 64 labels k0..k63"
                        + " (SecretManager.describe)");
        // Removing one makes room for one: the limit applies to the merged result.
        Secret swapped = manager().update(admin(), secret.id(),
                SecretUpdate.none().withLabelsRemoved(Set.of("k0")).withLabelsPut(Map.of("one-more", "v")));
        assertEquals(64, swapped.labels().size(), () -> "rule: the label limit applies to the merged result:"
                + " SecretManager.update of " + secret.path() + " removing k0 and putting one-more keeps 64 labels");
    }

    @Test
    public void concurrentMergesOfDifferentKeysAllSurvive() throws Exception {
        Secret secret = labelled("prod/labels/concurrent", Map.of("keep", "me"));
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> merges = new ArrayList<>();
        Map<String, String> expected = new HashMap<>(Map.of("keep", "me"));
        try {
            for (int t = 0; t < THREADS; t++) {
                for (int k = 0; k < KEYS_PER_THREAD; k++) {
                    String key = "t" + t + "-k" + k;
                    expected.put(key, "v" + k);
                    String value = "v" + k;
                    merges.add(pool.submit(() -> {
                        start.await();
                        return manager().update(admin(), secret.id(), SecretUpdate.none().withLabelsPut(Map.of(key, value)));
                    }));
                }
            }
            start.countDown();
            for (Future<?> merge : merges) {
                merge.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(expected, manager().describe(admin(), secret.id()).secret().labels(),
                () -> "rule: concurrent SecretManager.update merges of different keys are atomic; all "
                        + THREADS * KEYS_PER_THREAD + " keys put by " + THREADS + " threads and keep=me survive on "
                        + secret.path() + " (SecretManager.describe)");
    }

    @Test
    public void mergesRacingScheduledDeletionAndRestoreAllSurvive() throws Exception {
        Secret secret = labelled("prod/labels/deletion-race", Map.of("keep", "me"));
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> tasks = new ArrayList<>();
        Map<String, String> expected = new HashMap<>(Map.of("keep", "me"));
        try {
            for (int t = 0; t < THREADS - 1; t++) {
                for (int k = 0; k < KEYS_PER_THREAD; k++) {
                    String key = "t" + t + "-k" + k;
                    String value = "v" + k;
                    expected.put(key, value);
                    tasks.add(pool.submit(() -> {
                        start.await();
                        while (true) { // an update is refused while deletion is pending: try again
                            try {
                                return manager().update(admin(), secret.id(), SecretUpdate.none().withLabelsPut(Map.of(key, value)));
                            } catch (SecretsException e) {
                                if (e.code() != ErrorCode.SECRET_PENDING_DELETION) {
                                    throw e;
                                }
                            }
                        }
                    }));
                }
            }
            tasks.add(pool.submit(() -> {
                start.await();
                for (int cycle = 0; cycle < 2 * KEYS_PER_THREAD; cycle++) {
                    manager().scheduleDeletion(admin(), secret.id());
                    manager().restore(admin(), secret.id());
                }
                return null;
            }));
            start.countDown();
            for (Future<?> task : tasks) {
                task.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(expected, manager().describe(admin(), secret.id()).secret().labels(),
                () -> "rule: SecretManager.scheduleDeletion and restore change only the deletion state of the stored"
                        + " secret; every label merge committed while they run on " + secret.path()
                        + " is kept (SecretManager.describe)");
    }
}
