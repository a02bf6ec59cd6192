package dev.coffer.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.audit.AuditKeys;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.memory.InMemoryAuditAnchor;
import org.junit.jupiter.api.Test;

/** A database that cannot be opened is one line saying why and what to check, never the driver's message. */
class OpenFailureTest {
    static final AuditProtection PROTECTION = AuditProtection.of(AuditKeys.random(), new InMemoryAuditAnchor());

    static UnavailableException openFails(DatabaseConfig config) {
        UnavailableException e = assertThrows(UnavailableException.class, () -> CofferDatabase.open(config, PROTECTION).close());
        assertEquals(ErrorCode.STORE_UNAVAILABLE, e.code());
        return e;
    }

    @Test
    void aServerThatDoesNotAnswerIsNoConnectionAndTheUrlsPropertiesStayOut() {
        UnavailableException e = openFails(DatabaseConfig.builder("jdbc:postgresql://127.0.0.1:1/coffer?password=hunter2&connectTimeout=2")
                .user("coffer").build());
        assertTrue(e.getMessage().startsWith("cannot open the Coffer database jdbc:postgresql://127.0.0.1:1/coffer: no connection"),
                e.getMessage());
        assertTrue(e.getMessage().contains("(SQLState 08"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertFalse(e.getMessage().contains("PoolInitializationException"), e.getMessage());
    }
}
