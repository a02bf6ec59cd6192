package dev.coffer.spi.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The hash chain every {@link AuditLog} keeps: each event's hash is SHA-256 over the previous
 * event's hash and a canonical encoding of the event, so changing or removing a row breaks every
 * hash after it. One definition, shared by all implementations, so logs verify the same way
 * wherever they are stored.
 */
public final class AuditChain {
    /** The {@code prevHash} of the first event. */
    public static final String GENESIS = "0".repeat(64);

    private AuditChain() {}

    /** The hash of {@code event} (its own {@code hash} field is ignored). */
    public static String hash(AuditEvent event) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
        // Length-prefixed fields: no separator can be forged by a field's content.
        field(sha256, event.prevHash());
        field(sha256, Long.toString(event.seq()));
        field(sha256, event.eventType().name());
        field(sha256, event.tenant());
        field(sha256, event.environment());
        field(sha256, event.path());
        field(sha256, event.version() == null ? null : event.version().toString());
        field(sha256, event.principal());
        field(sha256, event.action());
        field(sha256, event.detail());
        field(sha256, event.sourceIp());
        field(sha256, event.requestId());
        field(sha256, event.decision().name());
        field(sha256, event.reason());
        field(sha256, event.ticket());
        field(sha256, micros(event.createdAt()));
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** Whether {@code event} carries the hash its content and predecessor call for. */
    public static boolean isIntact(AuditEvent event, String expectedPrevHash) {
        return expectedPrevHash.equals(event.prevHash()) && hash(event).equals(event.hash());
    }

    private static String micros(Instant at) {
        return at.getEpochSecond() + "." + String.format("%06d", at.getNano() / 1000);
    }

    private static void field(MessageDigest digest, String value) {
        if (value == null) {
            digest.update(ByteBuffer.allocate(4).putInt(-1).array());
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        digest.update(bytes);
    }
}
