package dev.coffer.jdbi.testing;

import dev.coffer.jdbi.CofferDatabase;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.kernel.StandardSecretManager;
import dev.coffer.spi.memory.JdkEnvelope;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.tck.ManagerFixture;
import dev.coffer.tck.support.MutableClock;
import dev.coffer.tck.support.SwitchableAuditLog;
import java.util.List;
import java.util.Optional;

/**
 * The kernel over the JDBI parts of one (emptied) database, with a movable clock and an audit
 * log that can be made to fail; the JDK envelope keeps its tenant keys in the database too.
 */
public final class JdbiFixture implements ManagerFixture {
    /** The tenant the TCK acts in. */
    public static final String TENANT = "tck";

    private final MutableClock clock = MutableClock.startingAt2030();
    private final SwitchableAuditLog auditLog;
    private final SecretManager manager;

    public JdbiFixture(CofferDatabase db) {
        this.auditLog = new SwitchableAuditLog(db.auditLog());
        db.policyStore().put(TENANT, Policy.allow("tck-admin", List.of("user:admin"), List.of("secrets:*"), List.of("*")),
                BeforeCommit.none());
        this.manager = StandardSecretManager.builder()
                .secretStore(db.secretStore())
                .envelope(new JdkEnvelope(db.tenantKeyStore()))
                .auditLog(auditLog)
                .policyStore(db.policyStore())
                .clock(clock)
                .build();
    }

    @Override
    public SecretManager manager() {
        return manager;
    }

    @Override
    public String tenant() {
        return TENANT;
    }

    @Override
    public AccessContext admin() {
        return AccessContext.of(Principal.of("user:admin", TENANT));
    }

    @Override
    public Optional<MutableClock> clock() {
        return Optional.of(clock);
    }

    @Override
    public Optional<AuditOutage> auditOutage() {
        return Optional.of(auditLog);
    }
}
