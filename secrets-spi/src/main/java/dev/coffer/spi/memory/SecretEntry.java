package dev.coffer.spi.memory;

import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.VersionRecord;
import dev.coffer.spi.model.VersionState;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One secret's whole state in {@link InMemorySecretStore}, as an immutable snapshot. Every
 * mutation builds a new snapshot and installs it, so undoing a change whose hook failed is
 * putting the old snapshot back: nothing can be left half-done.
 *
 * @param secret the metadata
 * @param versions version records by number
 * @param sealed sealed values by number; a destroyed version has none
 * @param aliases alias name → number
 * @param lastNumber the highest number ever allocated for this secret id
 */
record SecretEntry(Secret secret, NavigableMap<Integer, VersionRecord> versions, Map<Integer, SealedValue> sealed,
        Aliases aliases, int lastNumber) {

    SecretEntry {
        versions = Collections.unmodifiableNavigableMap(new TreeMap<>(versions));
        sealed = Collections.unmodifiableMap(new HashMap<>(sealed));
    }

    /** A secret without versions; numbering resumes after {@code lastNumber}. */
    static SecretEntry fresh(Secret secret, int lastNumber) {
        return new SecretEntry(secret, new TreeMap<>(), Map.of(), Aliases.none(), lastNumber);
    }

    SecretEntry withSecret(Secret newSecret) {
        return new SecretEntry(newSecret, versions, sealed, aliases, lastNumber);
    }

    SecretEntry withAliases(Aliases newAliases, Secret newSecret) {
        return new SecretEntry(newSecret, versions, sealed, newAliases, lastNumber);
    }

    /** Adds a freshly allocated version with its sealed value (stored as a private copy). */
    SecretEntry withNewVersion(VersionRecord record, SealedValue value) {
        NavigableMap<Integer, VersionRecord> v = new TreeMap<>(versions);
        v.put(record.number(), record);
        Map<Integer, SealedValue> s = new HashMap<>(sealed);
        s.put(record.number(), value.copy());
        return new SecretEntry(secret, v, s, aliases, Math.max(lastNumber, record.number()));
    }

    /** Replaces a version's record; a destroyed record loses its sealed value in the same step. */
    SecretEntry withRecord(VersionRecord record) {
        NavigableMap<Integer, VersionRecord> v = new TreeMap<>(versions);
        v.put(record.number(), record);
        Map<Integer, SealedValue> s = sealed;
        if (record.state() == VersionState.DESTROYED) {
            s = new HashMap<>(sealed);
            s.remove(record.number());
        }
        return new SecretEntry(secret, v, s, aliases, lastNumber);
    }

    /** Replaces a version's sealed value and key id after a rewrap (ciphertext already checked equal). */
    SecretEntry withRewrapped(int number, SealedValue value) {
        NavigableMap<Integer, VersionRecord> v = new TreeMap<>(versions);
        VersionRecord r = v.get(number);
        v.put(number, new VersionRecord(r.number(), r.state(), r.createdBy(), r.createdAt(), r.expiresAt(), value.keyId()));
        Map<Integer, SealedValue> s = new HashMap<>(sealed);
        s.put(number, value.copy());
        return new SecretEntry(secret, v, s, aliases, lastNumber);
    }

    /** Alias {@code name} set to {@code number}, others kept. */
    static Aliases set(Aliases aliases, String name, int number) {
        Map<String, Integer> byName = new TreeMap<>(aliases.byName());
        byName.put(name, number);
        return new Aliases(byName);
    }

    static Aliases without(Aliases aliases, String name) {
        Map<String, Integer> byName = new TreeMap<>(aliases.byName());
        byName.remove(name);
        return new Aliases(byName);
    }
}
