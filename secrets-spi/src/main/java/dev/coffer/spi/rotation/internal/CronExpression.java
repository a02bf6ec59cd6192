package dev.coffer.spi.rotation.internal;

import java.time.Instant;
import java.util.Optional;

/**
 * A five-field cron expression evaluated in UTC (not API). Placeholder signature; the parser is
 * being written.
 */
public final class CronExpression {
    private CronExpression() {}

    /** Parses; throws {@link IllegalArgumentException} naming the field and rule broken. */
    public static CronExpression parse(String text) {
        throw new IllegalArgumentException("cron expressions are not supported yet");
    }

    /** The first firing strictly after {@code after}, at a whole minute; empty if it never fires again. */
    public Optional<Instant> nextAfter(Instant after) {
        return Optional.empty();
    }
}
