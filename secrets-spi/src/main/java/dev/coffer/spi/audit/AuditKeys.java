package dev.coffer.spi.audit;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The two keys that make an audit log tamper-evident against someone who can write its storage:
 * the chain key ({@link #chain()}, HMAC of every event) and the checkpoint key ({@link #checkpoint},
 * HMAC of every {@link AuditCheckpoint}). Both are held outside the log's storage; with Tink they
 * are derived under the root key ({@code dev.coffer.tink.DerivedKeys}), so only whoever holds the
 * root key can extend or rewrite the chain.
 *
 * <pre>{@code
 * AuditKeys keys = AuditKeys.of(derived.key("audit-chain"), derived.key("audit-checkpoint"));
 * AuditLog log = new InMemoryAuditLog(keys, new InMemoryAuditAnchor());
 * }</pre>
 *
 * <p>A checkpoint is MAC'd rather than signed with a public key: the one verifying it
 * ({@link AuditLog#verify}) is the server, which holds the root key anyway, and the attacker we
 * guard against writes the database but has no root key. {@code toString()} never shows a key.
 */
public final class AuditKeys {
    private static final String HMAC = "HmacSHA256";

    private final AuditChain chain;
    private final SecretKeySpec checkpointKey;

    private AuditKeys(byte[] chainKey, byte[] checkpointKey) {
        this.chain = AuditChain.keyed(chainKey);
        this.checkpointKey = new SecretKeySpec(checkpointKey, HMAC);
    }

    /**
     * Keys from raw material (each at least 32 bytes, and different); the arrays are copied.
     *
     * @throws IllegalArgumentException for short or identical keys
     */
    public static AuditKeys of(byte[] chainKey, byte[] checkpointKey) {
        Objects.requireNonNull(chainKey, "chainKey");
        Objects.requireNonNull(checkpointKey, "checkpointKey");
        if (checkpointKey.length < 32) {
            throw new IllegalArgumentException("an audit checkpoint key has at least 32 bytes, got " + checkpointKey.length);
        }
        if (MessageDigest.isEqual(chainKey, checkpointKey)) {
            throw new IllegalArgumentException("the chain key and the checkpoint key must differ");
        }
        return new AuditKeys(chainKey, checkpointKey);
    }

    /**
     * Fresh random keys that live as long as this object: for in-memory logs and tests, whose
     * storage dies with the process anyway. A durable log needs keys that survive a restart.
     */
    public static AuditKeys random() {
        SecureRandom random = new SecureRandom();
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        random.nextBytes(a);
        random.nextBytes(b);
        try {
            return of(a, b);
        } finally {
            Arrays.fill(a, (byte) 0);
            Arrays.fill(b, (byte) 0);
        }
    }

    /** The keyed chain. */
    public AuditChain chain() {
        return chain;
    }

    /** A checkpoint of {@code chainName}'s head at {@code at}, MAC'd with the checkpoint key. */
    public AuditCheckpoint checkpoint(String chainName, long seq, String hash, long keyedFrom, Instant at) {
        AuditCheckpoint unsigned = new AuditCheckpoint(chainName, seq, hash, keyedFrom, at, AuditChain.GENESIS);
        return new AuditCheckpoint(chainName, seq, hash, keyedFrom, unsigned.at(), mac(unsigned));
    }

    /** Whether {@code checkpoint} was made with this checkpoint key and not changed since. */
    public boolean isAuthentic(AuditCheckpoint checkpoint) {
        return AuditChain.constantTimeEquals(mac(checkpoint), checkpoint.mac());
    }

    private String mac(AuditCheckpoint checkpoint) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(checkpointKey);
            return HexFormat.of().formatHex(mac.doFinal(checkpoint.signedContent()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform provides HmacSHA256", e);
        }
    }

    @Override
    public String toString() {
        return "AuditKeys[HMAC-SHA256 chain and checkpoint keys]";
    }
}
