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
 */
public record AliasMove(String alias, OptionalInt from, int to, Aliases aliases) {}
