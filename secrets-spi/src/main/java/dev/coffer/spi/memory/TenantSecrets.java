package dev.coffer.spi.memory;

import dev.coffer.spi.model.SecretPath;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One tenant's secrets in {@link InMemorySecretStore}: entries by id, an index by path in listing
 * order, and the highest number each deleted id ever reached. Not thread-safe; the store's lock
 * guards it.
 */
final class TenantSecrets {
    /** Listing order: environment, then path, compared as plain strings (like SQL's "C" collation). */
    static final Comparator<SecretPath> LISTING_ORDER =
            Comparator.comparing(SecretPath::environment).thenComparing(SecretPath::path);

    private final Map<String, SecretEntry> byId = new HashMap<>();
    private final NavigableMap<SecretPath, String> idByPath = new TreeMap<>(LISTING_ORDER);
    // A secret deleted and created again under the same id must not hand out its old numbers.
    private final Map<String, Integer> retiredNumbers = new HashMap<>();

    Optional<SecretEntry> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    Optional<SecretEntry> byPath(SecretPath path) {
        String id = idByPath.get(path);
        return id == null ? Optional.empty() : Optional.of(byId.get(id));
    }

    boolean hasId(String id) {
        return byId.containsKey(id);
    }

    /** Entries whose path sorts after {@code after} ({@code null}: from the start), in listing order. */
    Iterable<SecretEntry> after(SecretPath after) {
        NavigableMap<SecretPath, String> tail = after == null ? idByPath : idByPath.tailMap(after, false);
        return () -> tail.values().stream().map(byId::get).iterator();
    }

    /** The number a new secret with {@code id} starts counting after. */
    int numbersUsed(String id) {
        return retiredNumbers.getOrDefault(id, 0);
    }

    /**
     * Installs {@code entry} for {@code id}, or removes the secret when {@code entry} is null.
     * Paths never change, so {@code path} identifies the index row either way.
     */
    void install(String id, SecretPath path, SecretEntry entry) {
        if (entry == null) {
            SecretEntry gone = byId.remove(id);
            idByPath.remove(path);
            if (gone != null) {
                retiredNumbers.merge(id, gone.lastNumber(), Math::max);
            }
        } else {
            byId.put(id, entry);
            idByPath.put(path, id);
        }
    }
}
