package dev.coffer.spi.store;

import dev.coffer.spi.model.Aliases;
import java.util.Objects;

/**
 * The result of a compare-and-set alias removal.
 *
 * <pre>{@code
 * AliasRemoval removed = store.removeAlias(tenant, id, Aliases.NEXT, OptionalInt.of(4), BeforeCommit.none());
 * assert removed.aliases().get(Aliases.NEXT).isEmpty();
 * }</pre>
 *
 * @param alias the alias removed
 * @param from the version it pointed at until the removal
 * @param aliases all aliases after the removal
 */
public record AliasRemoval(String alias, int from, Aliases aliases) {
    public AliasRemoval {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(aliases, "aliases");
    }
}
