package dev.coffer.server.api.dto;

import dev.coffer.spi.model.Aliases;
import java.util.Map;

/**
 * A secret's aliases after a move.
 *
 * @param aliases alias name → version
 */
public record AliasesBody(Map<String, Integer> aliases) {
    /** The body of {@code a}. */
    public static AliasesBody from(Aliases a) {
        return new AliasesBody(a.byName());
    }
}
