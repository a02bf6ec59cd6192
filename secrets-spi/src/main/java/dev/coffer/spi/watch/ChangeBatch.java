package dev.coffer.spi.watch;

import java.util.List;

/**
 * What one {@link ChangeSubscription#poll} returned.
 *
 * @param changes the changes visible to the subscriber, oldest first (possibly none)
 * @param cursor where the subscription now stands: the seq to resume after. It moves past changes
 *        the subscriber may not see too, so it can be ahead of the last change's seq.
 * @param reset {@code true} when the subscription could not continue from where it stood: it
 *        resumed after a seq older than the log replays (or one the log never had); the consumer
 *        must refresh everything it caches, and the stream carries on from {@code cursor} (then
 *        {@code changes} is empty)
 */
public record ChangeBatch(List<SecretChange> changes, long cursor, boolean reset) {

    public ChangeBatch {
        changes = List.copyOf(changes);
        if (cursor < 0) {
            throw new IllegalArgumentException("cursor is 0 or more");
        }
        if (reset && !changes.isEmpty()) {
            throw new IllegalArgumentException("a reset carries no changes");
        }
        for (SecretChange c : changes) {
            if (c.seq() > cursor) {
                throw new IllegalArgumentException("a batch's cursor is at or after its last change");
            }
        }
    }

    /** A batch that tells the consumer to refresh everything and resume from {@code cursor}. */
    public static ChangeBatch resetTo(long cursor) {
        return new ChangeBatch(List.of(), cursor, true);
    }
}
