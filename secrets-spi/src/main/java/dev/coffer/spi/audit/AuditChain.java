package dev.coffer.spi.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The chain every {@link AuditLog} keeps: each event's hash is HMAC-SHA256, under a key held
 * outside the log's storage, over the previous event's hash and a canonical encoding of the event.
 * Changing or removing a row breaks every hash after it, and someone who can write the storage
 * but does not hold the key cannot compute a hash that verifies. One definition, shared by all
 * implementations, so logs verify the same way wherever they are stored.
 *
 * <pre>{@code
 * AuditChain chain = AuditChain.keyed(keys.chainKey());
 * AuditEvent appended = draft.chained(head.seq() + 1, head.hash(), chain);
 * boolean ok = chain.isIntact(appended, head.hash());
 * }</pre>
 *
 * <p>{@link #unkeyed()} is the plain SHA-256 chain that logs written before keying used; it is
 * kept only to verify those old events and is not tamper-evident against a storage writer.
 */
public final class AuditChain {
    /** The {@code prevHash} of the first event. */
    public static final String GENESIS = "0".repeat(64);

    private static final String HMAC = "HmacSHA256";
    private static final AuditChain UNKEYED = new AuditChain(null);

    private final SecretKeySpec key;

    private AuditChain(SecretKeySpec key) {
        this.key = key;
    }

    /**
     * The keyed chain.
     *
     * @param key at least 32 bytes of key material; copied, the caller may wipe its array
     * @throws IllegalArgumentException for a shorter key
     */
    public static AuditChain keyed(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length < 32) {
            throw new IllegalArgumentException("an audit chain key has at least 32 bytes, got " + key.length);
        }
        return new AuditChain(new SecretKeySpec(key, HMAC));
    }

    /** The pre-keying chain (plain SHA-256): only for verifying events written before the upgrade. */
    public static AuditChain unkeyed() {
        return UNKEYED;
    }

    /** Whether this chain is keyed. */
    public boolean isKeyed() {
        return key != null;
    }

    /** The hash of {@code event} (its own {@code hash} field is ignored). */
    public String hash(AuditEvent event) {
        Digest digest = key == null ? Digest.sha256() : Digest.hmac(key);
        // Length-prefixed fields: no separator can be forged by a field's content.
        digest.field(event.prevHash());
        digest.field(Long.toString(event.seq()));
        digest.field(event.eventType().name());
        digest.field(event.tenant());
        digest.field(event.environment());
        digest.field(event.path());
        digest.field(event.version() == null ? null : event.version().toString());
        digest.field(event.principal());
        digest.field(event.action());
        digest.field(event.detail());
        digest.field(event.sourceIp());
        digest.field(event.requestId());
        digest.field(event.decision().name());
        digest.field(event.reason());
        digest.field(event.ticket());
        digest.field(micros(event.createdAt()));
        // Events chained before ids existed hash as they always did; every later one covers its id.
        if (event.id() != null) {
            digest.field(event.id());
        }
        return HexFormat.of().formatHex(digest.finish());
    }

    /** Whether {@code event} carries the hash its content and predecessor call for. */
    public boolean isIntact(AuditEvent event, String expectedPrevHash) {
        return expectedPrevHash.equals(event.prevHash()) && constantTimeEquals(hash(event), event.hash());
    }

    @Override
    public String toString() {
        return key == null ? "AuditChain[unkeyed SHA-256]" : "AuditChain[HMAC-SHA256]";
    }

    static boolean constantTimeEquals(String a, String b) {
        return b != null && MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    private static String micros(Instant at) {
        return at.getEpochSecond() + "." + String.format("%06d", at.getNano() / 1000);
    }

    /** SHA-256 or HMAC-SHA256 behind one update/finish pair. */
    static final class Digest {
        private final MessageDigest sha;
        private final Mac mac;

        private Digest(MessageDigest sha, Mac mac) {
            this.sha = sha;
            this.mac = mac;
        }

        static Digest sha256() {
            try {
                return new Digest(MessageDigest.getInstance("SHA-256"), null);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("every Java platform provides SHA-256", e);
            }
        }

        static Digest hmac(SecretKeySpec key) {
            try {
                Mac mac = Mac.getInstance(HMAC);
                mac.init(key);
                return new Digest(null, mac);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("every Java platform provides HmacSHA256", e);
            }
        }

        void field(String value) {
            if (value == null) {
                update(ByteBuffer.allocate(4).putInt(-1).array());
                return;
            }
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            update(ByteBuffer.allocate(4).putInt(bytes.length).array());
            update(bytes);
        }

        private void update(byte[] bytes) {
            if (sha != null) {
                sha.update(bytes);
            } else {
                mac.update(bytes);
            }
        }

        byte[] finish() {
            return sha != null ? sha.digest() : mac.doFinal();
        }
    }
}
