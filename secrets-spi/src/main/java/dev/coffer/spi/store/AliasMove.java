package dev.coffer.spi.store;

import dev.coffer.spi.model.Aliases;
import java.util.OptionalInt;

/**
 * The result of a compare-and-set alias move.
 *
 * @param alias the alias moved
 * @param from where it pointed before, empty if unset
 * @param to where it points now
 * @param aliases all aliases after the move (with {@code previous} updated when {@code current} moved)
 * @param nextCleared whether the move removed {@code next}: {@code current} moved onto the version
 *        {@code next} pointed at (a promotion), so {@code next} no longer names a pending version
 */
public record AliasMove(String alias, OptionalInt from, int to, Aliases aliases, boolean nextCleared) {
    /** A move that left {@code next} as it was. */
    public AliasMove(String alias, OptionalInt from, int to, Aliases aliases) {
        this(alias, from, to, aliases, false);
    }
}
