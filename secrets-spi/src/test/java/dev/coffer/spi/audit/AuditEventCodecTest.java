package dev.coffer.spi.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AuditEventCodecTest {
    private static final AuditChain CHAIN = AuditChain.keyed(new byte[32]);

    @Test
    void aDraftWithEveryFieldRoundTrips() {
        AuditEvent draft = AuditEvent.builder(AuditEventType.VERSION_ADD, "t", "user:ann", "req-1", Decision.ALLOW,
                        Instant.parse("2030-01-02T03:04:05.123456Z"))
                .secret("prod", "db/ü-password").version(7).action("secrets:write").detail("alias=current from=1 to=2")
                .sourceIp("10.0.0.1").reason("rotation").ticket("OPS-1").build();
        AuditEvent decoded = AuditEventCodec.decode(AuditEventCodec.encode(draft));
        assertEquals(draft, decoded);
        assertArrayEquals(AuditEventCodec.encode(draft), AuditEventCodec.encode(decoded), "the encoding is stable");
    }

    @Test
    void aChainedEventWithNullsRoundTrips() {
        AuditEvent chained = AuditEvent.builder(AuditEventType.ACCESS_DENIED, "t", "user:bob", "req-2", Decision.DENY,
                Instant.parse("2030-01-02T03:04:05Z")).build().chained(41, AuditChain.GENESIS, CHAIN);
        assertEquals(chained, AuditEventCodec.decode(AuditEventCodec.encode(chained)));
    }

    @Test
    void aFieldDecodeWouldRefuseIsNotEncoded() {
        AuditEvent oversize = AuditEvent.builder(AuditEventType.BREAK_GLASS_GRANT, "t", "user:d", "r", Decision.ALLOW, Instant.EPOCH)
                .detail("x".repeat(64 * 1024 + 1)).build();
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> AuditEventCodec.encode(oversize),
                "a field over 64 KiB must be refused when encoding, so that no store keeps an event it cannot read back");
        assertTrue(refused.getMessage().contains("65537"), refused.getMessage());
        AuditEvent atLimit = AuditEvent.builder(AuditEventType.BREAK_GLASS_GRANT, "t", "user:d", "r", Decision.ALLOW, Instant.EPOCH)
                .detail("x".repeat(64 * 1024)).build();
        assertEquals(atLimit, AuditEventCodec.decode(AuditEventCodec.encode(atLimit)), "a field of exactly 64 KiB round-trips");
    }

    @Test
    void bytesItDidNotWriteAreRefused() {
        byte[] good = AuditEventCodec.encode(AuditEvent.builder(AuditEventType.SECRET_LIST, "t", "user:c", "r", Decision.ALLOW,
                Instant.EPOCH).build());
        assertThrows(IllegalArgumentException.class, () -> AuditEventCodec.decode(new byte[0]), "empty");
        assertThrows(IllegalArgumentException.class, () -> AuditEventCodec.decode(Arrays.copyOf(good, good.length - 3)), "truncated");
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertThrows(IllegalArgumentException.class, () -> AuditEventCodec.decode(longer), "trailing bytes");
        byte[] otherFormat = good.clone();
        otherFormat[0] = 9;
        assertThrows(IllegalArgumentException.class, () -> AuditEventCodec.decode(otherFormat), "unknown format");
    }
}
