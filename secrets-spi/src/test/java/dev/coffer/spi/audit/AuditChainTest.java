package dev.coffer.spi.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuditChainTest {
    private static final AuditChain CHAIN = AuditKeys.random().chain();

    private static AuditEvent draft(String reason) {
        return AuditEvent.builder(AuditEventType.SECRET_READ, "acme", "user:a", "req-1", Decision.ALLOW,
                Instant.parse("2030-01-01T00:00:00.123456Z")).secret("prod", "db").version(3).reason(reason).build();
    }

    @Test
    void chainedEventsVerifyAndCoverThePreviousHash() {
        AuditEvent first = draft("r").chained(1, AuditChain.GENESIS, CHAIN);
        AuditEvent second = draft("r").chained(2, first.hash(), CHAIN);
        assertTrue(CHAIN.isIntact(first, AuditChain.GENESIS));
        assertTrue(CHAIN.isIntact(second, first.hash()));
        assertNotEquals(first.hash(), second.hash(), "same content at another position hashes differently");
        assertEquals(64, first.hash().length());
    }

    @Test
    void anyChangedFieldBreaksTheHash() {
        AuditEvent event = draft("r").chained(1, AuditChain.GENESIS, CHAIN);
        AuditEvent forged = new AuditEvent(event.seq(), event.id(), event.eventType(), event.tenant(), event.environment(), event.path(),
                event.version(), "user:mallory", event.action(), event.detail(), event.sourceIp(), event.requestId(),
                event.decision(), event.reason(), event.ticket(), event.createdAt(), event.prevHash(), event.hash());
        assertFalse(CHAIN.isIntact(forged, AuditChain.GENESIS));
    }

    @Test
    void theIdIsCoveredByTheHash() {
        AuditEvent event = draft("r").chained(1, AuditChain.GENESIS, CHAIN);
        AuditEvent otherId = withId(event, AuditEvent.newId());
        AuditEvent noId = withId(event, null);
        assertFalse(CHAIN.isIntact(otherId, AuditChain.GENESIS), "an event whose id was changed must not verify");
        assertFalse(CHAIN.isIntact(noId, AuditChain.GENESIS), "an event whose id was removed must not verify");
    }

    @Test
    void anEventChainedBeforeIdsExistedHashesWithoutOne() {
        AuditEvent event = draft("r").chained(1, AuditChain.GENESIS, CHAIN);
        AuditEvent legacy = withId(event, null);
        AuditEvent stored = withHash(legacy, CHAIN.hash(legacy));
        assertTrue(CHAIN.isIntact(stored, AuditChain.GENESIS), "an id-less event is hashed over its other fields alone");
        assertNotEquals(event.hash(), stored.hash(), "the id is part of every newer event's hash");
    }

    @Test
    void draftsNeedAValidId() {
        AuditEvent draft = draft("r");
        assertThrows(IllegalArgumentException.class, () -> withId(draft, null), "a draft without an id");
        assertThrows(IllegalArgumentException.class, () -> withId(draft, "has space"), "an id with a space");
        assertThrows(IllegalArgumentException.class, () -> withId(draft, "x".repeat(AuditEvent.MAX_ID_LENGTH + 1)),
                "an id over the limit");
        assertEquals(22, AuditEvent.newId().length(), "a fresh id is 22 characters (EventIds)");
        assertNotEquals(draft("r").id(), draft("r").id(), "every draft gets its own id");
    }

    private static AuditEvent withId(AuditEvent e, String id) {
        return new AuditEvent(e.seq(), id, e.eventType(), e.tenant(), e.environment(), e.path(), e.version(), e.principal(),
                e.action(), e.detail(), e.sourceIp(), e.requestId(), e.decision(), e.reason(), e.ticket(), e.createdAt(),
                e.prevHash(), e.hash());
    }

    private static AuditEvent withHash(AuditEvent e, String hash) {
        return new AuditEvent(e.seq(), e.id(), e.eventType(), e.tenant(), e.environment(), e.path(), e.version(), e.principal(),
                e.action(), e.detail(), e.sourceIp(), e.requestId(), e.decision(), e.reason(), e.ticket(), e.createdAt(),
                e.prevHash(), hash);
    }

    @Test
    void fieldBoundariesCannotBeShifted() {
        // "ab" + "c" must not hash like "a" + "bc": fields are length-prefixed.
        AuditEvent a = AuditEvent.builder(AuditEventType.SECRET_READ, "t", "user:x", "r", Decision.ALLOW, Instant.EPOCH)
                .reason("ab").ticket("c").build().chained(1, AuditChain.GENESIS, CHAIN);
        AuditEvent b = AuditEvent.builder(AuditEventType.SECRET_READ, "t", "user:x", "r", Decision.ALLOW, Instant.EPOCH)
                .reason("a").ticket("bc").build().chained(1, AuditChain.GENESIS, CHAIN);
        assertNotEquals(a.hash(), b.hash());
    }

    @Test
    void anotherKeyOrNoKeyGivesAnotherHash() {
        AuditEvent event = draft("r").chained(1, AuditChain.GENESIS, CHAIN);
        assertNotEquals(event.hash(), AuditKeys.random().chain().hash(event));
        assertNotEquals(event.hash(), AuditChain.unkeyed().hash(event));
        assertFalse(AuditChain.unkeyed().isIntact(event, AuditChain.GENESIS));
    }

    @Test
    void shortKeysAndEqualKeysAreRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> AuditChain.keyed(new byte[16]));
        byte[] same = new byte[32];
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> AuditKeys.of(same, same.clone()));
    }

    @Test
    void checkpointsAreAuthenticOnlyUnchangedAndUnderTheirKey() {
        AuditKeys keys = AuditKeys.random();
        AuditCheckpoint c = keys.checkpoint(AuditCheckpoint.LOG, 7, "a".repeat(64), 1, Instant.parse("2030-01-01T00:00:00Z"));
        assertTrue(keys.isAuthentic(c));
        assertFalse(AuditKeys.random().isAuthentic(c));
        assertFalse(keys.isAuthentic(new AuditCheckpoint(c.chain(), 8, c.hash(), c.keyedFrom(), c.at(), c.mac())));
        assertFalse(keys.isAuthentic(new AuditCheckpoint(c.chain(), c.seq(), c.hash(), 5, c.at(), c.mac())));
    }
}
