package dev.coffer.spi.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.audit.AuditChain;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.Decision;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Which audit events are changes, and what each says. */
class SecretChangeTest {
    private static final Instant AT = Instant.parse("2030-01-01T00:00:00.123456Z");
    private static final AuditChain CHAIN = AuditChain.keyed(new byte[32]);

    private static AuditEvent.Builder event(AuditEventType type, Decision decision) {
        return AuditEvent.builder(type, "acme", "user:alice", "req-1", decision, AT);
    }

    private static AuditEvent stored(AuditEvent.Builder builder, long seq) {
        return builder.build().chained(seq, AuditChain.GENESIS, CHAIN);
    }

    @ParameterizedTest
    @CsvSource({
            "SECRET_CREATE, SECRET_CREATED",
            "SECRET_UPDATE, SECRET_UPDATED",
            "VERSION_ADD, VERSION_ADDED",
            "VERSION_DISABLE, VERSION_DISABLED",
            "VERSION_ENABLE, VERSION_ENABLED",
            "VERSION_DESTROY, VERSION_DESTROYED",
            "SECRET_DELETE_SCHEDULED, DELETION_SCHEDULED",
            "SECRET_RESTORE, RESTORED",
            "SECRET_PURGE, PURGED",
            "SECRET_FORCE_DELETE, PURGED"})
    void anAllowedChangeOfASecretIsItsKindWithPathAndVersion(AuditEventType type, ChangeKind kind) {
        SecretChange change = SecretChange.of(stored(event(type, Decision.ALLOW).secret("prod", "payments/db").version(3), 7))
                .orElseThrow();
        assertEquals(new SecretChange(7, kind, "prod", "payments/db", 3, null, AT), change);
        assertEquals("prod/payments/db", change.qualifiedPath());
    }

    @ParameterizedTest
    @EnumSource(value = AuditEventType.class, names = {"POLICY_PUT", "POLICY_DELETE", "BREAK_GLASS_GRANT"})
    void policyChangesAndGrantsAreAccessChangesWithoutPath(AuditEventType type) {
        SecretChange change = SecretChange.of(stored(event(type, Decision.ALLOW).detail("policy=readers"), 4)).orElseThrow();
        assertEquals(new SecretChange(4, ChangeKind.ACCESS_CHANGED, null, null, null, null, AT), change);
    }

    @Test
    void anAliasMoveNamesTheAliasAndTheVersionItNowPointsAt() {
        SecretChange change = SecretChange.of(stored(event(AuditEventType.ALIAS_MOVE, Decision.ALLOW)
                .secret("prod", "payments/db").version(2).detail("alias=current from=1 to=2 next=cleared"), 9)).orElseThrow();
        assertEquals(new SecretChange(9, ChangeKind.ALIAS_MOVED, "prod", "payments/db", 2, "current", AT), change);
    }

    @Test
    void aFirstAliasMoveFromNoneNamesItsTarget() {
        SecretChange change = SecretChange.of(stored(event(AuditEventType.ALIAS_MOVE, Decision.ALLOW)
                .secret("prod", "payments/db").detail("alias=canary from=none to=12"), 9)).orElseThrow();
        assertEquals(new SecretChange(9, ChangeKind.ALIAS_MOVED, "prod", "payments/db", 12, "canary", AT), change);
    }

    @Test
    void anAliasRemovalNamesTheAliasAndNoVersion() {
        SecretChange change = SecretChange.of(stored(event(AuditEventType.ALIAS_MOVE, Decision.ALLOW)
                .secret("prod", "payments/db").version(3).detail("alias=next from=3 removed"), 11)).orElseThrow();
        assertEquals(new SecretChange(11, ChangeKind.ALIAS_REMOVED, "prod", "payments/db", null, "next", AT), change);
    }

    @Test
    void anAliasMoveWithoutAnAliasInItsDetailIsNoChange() {
        assertEquals(Optional.empty(), SecretChange.of(stored(event(AuditEventType.ALIAS_MOVE, Decision.ALLOW)
                .secret("prod", "payments/db").detail("to=2"), 3)));
    }

    @ParameterizedTest
    @EnumSource(value = Decision.class, names = {"DENY", "ERROR"})
    void deniedAndFailedAttemptsAreNoChanges(Decision decision) {
        for (AuditEventType type : new AuditEventType[] {AuditEventType.VERSION_ADD, AuditEventType.POLICY_PUT,
                AuditEventType.ALIAS_MOVE, AuditEventType.SECRET_PURGE}) {
            AuditEvent e = stored(event(type, decision).secret("prod", "payments/db").version(1)
                    .detail("alias=current from=1 to=2"), 5);
            assertEquals(Optional.empty(), SecretChange.of(e), () -> type + " " + decision);
        }
        assertEquals(Optional.empty(), SecretChange.of(stored(event(AuditEventType.ACCESS_DENIED, Decision.DENY)
                .secret("prod", "payments/db"), 5)));
    }

    @ParameterizedTest
    @EnumSource(value = AuditEventType.class, names = {"SECRET_READ", "SECRET_DESCRIBE", "SECRET_LIST", "SECRET_WATCH",
            "AUDIT_QUERY", "POLICY_READ", "BREAK_GLASS_READ", "ROTATION_START", "ROTATION_STEP", "METRICS_READ"})
    void readsAndOtherEventsAreNoChanges(AuditEventType type) {
        assertEquals(Optional.empty(), SecretChange.of(stored(event(type, Decision.ALLOW).secret("prod", "payments/db").version(1), 5)));
    }

    @Test
    void aDraftIsNoChange() {
        assertEquals(Optional.empty(), SecretChange.of(event(AuditEventType.VERSION_ADD, Decision.ALLOW)
                .secret("prod", "payments/db").version(1).build()));
    }

    @Test
    void aSecretEventWithoutPathIsNoChange() {
        assertEquals(Optional.empty(), SecretChange.of(stored(event(AuditEventType.VERSION_ADD, Decision.ALLOW).version(1), 5)));
    }

    @Test
    void theRecordRefusesInconsistentChanges() {
        assertThrows(IllegalArgumentException.class, () -> new SecretChange(0, ChangeKind.VERSION_ADDED, "prod", "a", 1, null, AT));
        assertThrows(IllegalArgumentException.class, () -> new SecretChange(1, ChangeKind.ACCESS_CHANGED, "prod", "a", null, null, AT));
        assertThrows(IllegalArgumentException.class, () -> new SecretChange(1, ChangeKind.VERSION_ADDED, null, null, 1, null, AT));
        assertThrows(IllegalArgumentException.class, () -> new SecretChange(1, ChangeKind.VERSION_ADDED, null, "a", 1, null, AT));
        assertThrows(IllegalArgumentException.class, () -> new SecretChange(1, ChangeKind.ALIAS_MOVED, "prod", "a", 1, null, AT));
        assertThrows(IllegalArgumentException.class, () -> new SecretChange(1, ChangeKind.VERSION_ADDED, "prod", "a", 1, "current", AT));
        assertThrows(NullPointerException.class, () -> new SecretChange(1, ChangeKind.VERSION_ADDED, "prod", "a", 1, null, null));
    }

    @Test
    void wireNamesRoundTripAndRevocationsAreMarked() {
        for (ChangeKind kind : ChangeKind.values()) {
            assertEquals(Optional.of(kind), ChangeKind.fromWireName(kind.wireName()));
            assertTrue(kind.wireName().matches("[a-z]+(-[a-z]+)*"), kind.wireName());
        }
        assertEquals("version-added", ChangeKind.VERSION_ADDED.wireName());
        assertEquals(Optional.empty(), ChangeKind.fromWireName("VERSION_ADDED"));
        assertTrue(ChangeKind.VERSION_DISABLED.revokes() && ChangeKind.ACCESS_CHANGED.revokes() && !ChangeKind.VERSION_ADDED.revokes());
    }
}
