package dev.coffer.server.watch;

import dev.coffer.spi.watch.SecretChange;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;

/**
 * The {@code data:} of each event of the change stream, as JSON (JSON-P): metadata only, never a
 * value, a fingerprint or a principal. Fields that are {@code null} are left out.
 *
 * <pre>{@code
 * ChangeEvents.change(change); // {"seq":7,"kind":"version-added","environment":"prod","path":"payments/db","version":3,"at":"..."}
 * }</pre>
 */
public final class ChangeEvents {
    /** The reason a reset gives. */
    public static final String REPLAY_UNAVAILABLE = "REPLAY_UNAVAILABLE";

    private ChangeEvents() {}

    /** One change. */
    public static String change(SecretChange change) {
        JsonObjectBuilder json = Json.createObjectBuilder().add("seq", change.seq()).add("kind", change.kind().wireName());
        if (change.environment() != null) {
            json.add("environment", change.environment());
        }
        if (change.path() != null) {
            json.add("path", change.path());
        }
        if (change.version() != null) {
            json.add("version", change.version());
        }
        if (change.alias() != null) {
            json.add("alias", change.alias());
        }
        return json.add("at", change.at().toString()).build().toString();
    }

    /** The stream is live from {@code cursor}; {@code resumed} when it continued from {@code Last-Event-ID}. */
    public static String ready(long cursor, boolean resumed) {
        return Json.createObjectBuilder().add("cursor", cursor).add("resumed", resumed).build().toString();
    }

    /** What was missed cannot be replayed: refresh everything, the stream carries on from {@code cursor}. */
    public static String reset(long cursor) {
        return Json.createObjectBuilder().add("cursor", cursor).add("reason", REPLAY_UNAVAILABLE).build().toString();
    }
}
