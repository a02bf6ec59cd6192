package dev.coffer.tink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.audit.AuditChain;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.memory.InMemoryTenantKeyStore;
import dev.coffer.spi.store.TenantKeyStore;
import dev.coffer.tck.support.Concurrently;
import dev.coffer.tck.support.Expect;
import dev.coffer.tink.root.RootKey;
import dev.coffer.tink.root.RootKeys;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DerivedKeysTest {
    private final RootKey root = RootKeys.ephemeral();
    private final TenantKeyStore store = new InMemoryTenantKeyStore();

    @Test
    void reopeningDerivesTheSameKeysAndPurposesGetDifferentOnes() {
        DerivedKeys first = DerivedKeys.open(root, store);
        DerivedKeys again = DerivedKeys.open(root, store);

        Set<String> distinct = new HashSet<>();
        for (String purpose : List.of(DerivedKeys.AUDIT_CHAIN, DerivedKeys.AUDIT_CHECKPOINT, DerivedKeys.PAGE_TOKEN)) {
            byte[] key = first.key(purpose);
            assertEquals(32, key.length);
            assertArrayEquals(key, again.key(purpose), purpose + " survives a reopen");
            distinct.add(HexFormat.of().formatHex(key));
        }
        assertEquals(3, distinct.size(), "each purpose has its own key");
        AuditEvent event = AuditEvent.builder(AuditEventType.SECRET_READ, "acme", "user:a", "r", Decision.ALLOW, Instant.EPOCH)
                .build().chained(1, AuditChain.GENESIS, first.auditKeys().chain());
        assertTrue(again.auditKeys().chain().isIntact(event, AuditChain.GENESIS), "the audit chain verifies after a restart");
    }

    @Test
    void theStoredKeysetIsWrappedAndOpensOnlyUnderItsRootKey() {
        byte[] chainKey = DerivedKeys.open(root, store).key(DerivedKeys.AUDIT_CHAIN);
        byte[] stored = store.find(DerivedKeys.STORE_ID).orElseThrow().wrappedKeyset();
        assertFalse(HexFormat.of().formatHex(stored).contains(HexFormat.of().formatHex(chainKey, 0, 8)));

        UnavailableException e = Expect.thrown(UnavailableException.class, ErrorCode.KEY_UNAVAILABLE,
                () -> DerivedKeys.open(RootKeys.ephemeral(), store));
        assertTrue(e.getMessage().contains("another root key"), e.getMessage());
    }

    @Test
    void instancesRacingToCreateTheKeysetAllDeriveTheSameKeys() {
        List<Concurrently.Outcome<String>> outcomes = Concurrently.run(8,
                i -> HexFormat.of().formatHex(DerivedKeys.open(root, store).key(DerivedKeys.AUDIT_CHAIN)));
        Set<String> keys = new HashSet<>();
        outcomes.forEach(o -> keys.add(o.value()));
        assertEquals(1, keys.size());
    }

    @Test
    void unknownPurposeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> DerivedKeys.open(root, store).key("anything"));
    }
}
