package dev.coffer.jdbi.testing;

import dev.coffer.jdbi.CofferDatabase;
import dev.coffer.spi.memory.JdkEnvelope;
import dev.coffer.tck.KernelFixture;

/**
 * The kernel over the JDBI parts of one (emptied) database, rotation store included, so the
 * rotation topic of the contract runs too; the JDK envelope keeps its tenant keys in the database too.
 */
public final class JdbiFixture {
    /** The tenant the TCK acts in. */
    public static final String TENANT = KernelFixture.TENANT;

    private JdbiFixture() {}

    /** A fixture over {@code db}'s parts. */
    public static KernelFixture over(CofferDatabase db) {
        return KernelFixture.over(db.secretStore(), new JdkEnvelope(db.tenantKeyStore()), db.auditLog(), db.policyStore(),
                db.rotationStore(), () -> { });
    }
}
