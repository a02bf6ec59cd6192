package dev.coffer.spi.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An anchor of the audit chain kept outside the log's storage: the log's head ({@code seq} and
 * {@code hash}) at a moment, authenticated with a key the storage does not hold
 * ({@link AuditKeys#checkpoint}). {@link AuditLog#verify} checks that every checkpoint's event is
 * still there with that hash and that the log does not end before the newest checkpoint, so
 * rewriting the log or truncating it behind a checkpoint is found even by someone who could
 * recompute everything stored in the database.
 *
 * @param chain which chain the checkpoint anchors ({@value #LOG} for the one chain of a log)
 * @param seq the head's seq (0 for an empty log)
 * @param hash the head's hash ({@link AuditChain#GENESIS} for an empty log)
 * @param keyedFrom the seq of the first keyed event: events before it were written unkeyed
 *        before an upgrade (1 for a log that was keyed from the start)
 * @param at when the checkpoint was taken (millisecond precision)
 * @param mac HMAC-SHA256 over the other fields, hex
 */
public record AuditCheckpoint(String chain, long seq, String hash, long keyedFrom, Instant at, String mac) {
    /** The name of a log's one chain. */
    public static final String LOG = "audit";

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern CHAIN = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    public AuditCheckpoint {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(mac, "mac");
        if (!CHAIN.matcher(chain).matches() || seq < 0 || keyedFrom < 1 || !HEX64.matcher(hash).matches()
                || !HEX64.matcher(mac).matches()) {
            throw new IllegalArgumentException("not a well-formed audit checkpoint");
        }
        at = at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    /** The bytes the MAC covers: every field but the MAC, length-prefixed. */
    byte[] signedContent() {
        AuditChain.Digest content = AuditChain.Digest.sha256();
        content.field("coffer/audit-checkpoint/v1");
        content.field(chain);
        content.field(Long.toString(seq));
        content.field(hash);
        content.field(Long.toString(keyedFrom));
        content.field(at.toString());
        return content.finish();
    }
}
