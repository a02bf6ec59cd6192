package dev.coffer.jdbi;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.coffer.jdbi.testing.TestDatabase;
import dev.coffer.jdbi.testing.UseH2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The audit tail on H2: only this process's appends wake readers (one process per H2 database). */
@ExtendWith(UseH2.class)
class H2AuditTailTest extends AuditTailTests {
    @Override
    TestDatabase database() {
        return UseH2.database();
    }

    @Test
    void h2HasNoListener() {
        assertFalse(db.auditLog().listening());
    }
}
