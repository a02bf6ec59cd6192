package dev.coffer.spi.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A partial metadata update: each present field replaces the stored one, absent fields are kept.
 *
 * <p>Labels change in one of two ways. {@code labels} replaces the whole label map. A merge
 * ({@code putLabels} and {@code removeLabels}) changes only the keys it names and keeps every
 * other label; the manager applies it to the stored labels atomically, so two merges of different
 * keys at the same time both take effect. One update does not do both, and does not put and
 * remove the same key. The merged result keeps the label limits (at most 64 labels).
 *
 * <pre>{@code
 * manager.update(ctx, ref, SecretUpdate.none().withLabelsPut(Map.of("tier", "0")).withLabelsRemoved(Set.of("legacy")));
 * }</pre>
 *
 * @param ownerTeam new owner team, if changing
 * @param description new description, if changing; plain text as in {@link NewSecret}
 * @param rotationStrategy new strategy, if changing
 * @param rotationPeriod new period, if changing; {@link Secret#MIN_ROTATION_PERIOD} to {@link Secret#MAX_ROTATION_PERIOD}
 * @param labels the new full label set, if replacing it
 * @param putLabels labels to add or overwrite, keeping the others; empty for none
 * @param removeLabels label keys to remove (absent keys are no error); empty for none
 */
public record SecretUpdate(
        Optional<String> ownerTeam,
        Optional<String> description,
        Optional<String> rotationStrategy,
        Optional<Duration> rotationPeriod,
        Optional<Map<String, String>> labels,
        Map<String, String> putLabels,
        Set<String> removeLabels) {

    public SecretUpdate {
        ownerTeam = Fields.required(ownerTeam, "ownerTeam").map(Fields::ownerTeam);
        description = Fields.required(description, "description").map(Fields::requestedDescription);
        rotationStrategy = Fields.required(rotationStrategy, "rotationStrategy").map(Fields::rotationStrategy);
        rotationPeriod = Fields.required(rotationPeriod, "rotationPeriod").map(Fields::rotationPeriod);
        labels = Fields.required(labels, "labels").map(Fields::requestedLabels);
        putLabels = Collections.unmodifiableSortedMap(new TreeMap<>(Fields.requestedLabels(putLabels)));
        removeLabels = Collections.unmodifiableSortedSet(new TreeSet<>(Fields.labelKeys(removeLabels)));
        if (labels.isPresent() && (!putLabels.isEmpty() || !removeLabels.isEmpty())) {
            throw Fields.invalid("give either labels (replaces every label) or putLabels/removeLabels (merge), not both");
        }
        for (String key : removeLabels) {
            if (putLabels.containsKey(key)) {
                throw Fields.invalid("label '" + key + "' is both put and removed");
            }
        }
    }

    /** An update without a label merge, as before merges existed. */
    public SecretUpdate(Optional<String> ownerTeam, Optional<String> description, Optional<String> rotationStrategy,
            Optional<Duration> rotationPeriod, Optional<Map<String, String>> labels) {
        this(ownerTeam, description, rotationStrategy, rotationPeriod, labels, Map.of(), Set.of());
    }

    /** An update that changes nothing; chain the {@code with} methods. */
    public static SecretUpdate none() {
        return new SecretUpdate(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public SecretUpdate withOwnerTeam(String team) {
        return new SecretUpdate(Optional.of(team), description, rotationStrategy, rotationPeriod, labels, putLabels, removeLabels);
    }

    public SecretUpdate withDescription(String text) {
        return new SecretUpdate(ownerTeam, Optional.of(text), rotationStrategy, rotationPeriod, labels, putLabels, removeLabels);
    }

    public SecretUpdate withRotationStrategy(String strategy) {
        return new SecretUpdate(ownerTeam, description, Optional.of(strategy), rotationPeriod, labels, putLabels, removeLabels);
    }

    public SecretUpdate withRotationPeriod(Duration period) {
        return new SecretUpdate(ownerTeam, description, rotationStrategy, Optional.of(period), labels, putLabels, removeLabels);
    }

    /** Replaces every label with {@code newLabels}. */
    public SecretUpdate withLabels(Map<String, String> newLabels) {
        return new SecretUpdate(ownerTeam, description, rotationStrategy, rotationPeriod, Optional.of(newLabels), putLabels, removeLabels);
    }

    /** Adds or overwrites {@code put} (merged with labels put before), keeping every other label. */
    public SecretUpdate withLabelsPut(Map<String, String> put) {
        Map<String, String> all = new HashMap<>(putLabels);
        all.putAll(put);
        return new SecretUpdate(ownerTeam, description, rotationStrategy, rotationPeriod, labels, all, removeLabels);
    }

    /** Removes the labels with these keys (with keys removed before), keeping every other label. */
    public SecretUpdate withLabelsRemoved(Set<String> keys) {
        Set<String> all = new TreeSet<>(removeLabels);
        all.addAll(keys);
        return new SecretUpdate(ownerTeam, description, rotationStrategy, rotationPeriod, labels, putLabels, all);
    }

    /** Whether this update merges labels rather than keeping or replacing them. */
    public boolean mergesLabels() {
        return !putLabels.isEmpty() || !removeLabels.isEmpty();
    }

    /**
     * Applies this update to {@code secret} (the stored metadata), stamping {@code updatedAt}.
     *
     * @throws dev.coffer.spi.error.InvalidRequestException {@code INVALID_ARGUMENT} when the merged labels break the label limits
     */
    public Secret applyTo(Secret secret, Instant now) {
        Map<String, String> newLabels = labels.orElse(secret.labels());
        if (mergesLabels()) {
            Map<String, String> merged = new HashMap<>(secret.labels());
            removeLabels.forEach(merged::remove);
            merged.putAll(putLabels);
            newLabels = merged;
        }
        return new Secret(secret.id(), secret.path(),
                ownerTeam.orElse(secret.ownerTeam()),
                description.orElse(secret.description()),
                rotationStrategy.orElse(secret.rotationStrategy()),
                rotationPeriod.orElse(secret.rotationPeriod()),
                newLabels,
                secret.createdAt(), now, secret.deletionScheduledAt(), secret.lastRotatedAt());
    }
}
