package dev.coffer.server.standalone;

import dev.coffer.server.auth.ClaimMapping;
import dev.coffer.server.auth.TokenMinter;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.store.PolicyStore;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * How the first administrator comes to exist: the policy {@value #POLICY} (allow
 * {@code group:}{@value #ADMIN_GROUP} every action on every secret of the default tenant) is
 * installed directly in the policy store, audited as {@code POLICY_PUT} by
 * {@value #BOOTSTRAP_PRINCIPAL}, and a token of {@code user:admin} in that group is written to
 * {@code <data>/admin.token}. Both happen only when missing, so restarts reuse them and an
 * operator who edits the policy keeps the edit.
 */
public final class AdminBootstrap {
    /** The group the bootstrap policy grants everything to. */
    public static final String ADMIN_GROUP = "coffer-admins";
    /** The bootstrap policy's name. */
    public static final String POLICY = "coffer-admins";
    /** Who the bootstrap's audit event names. */
    public static final String BOOTSTRAP_PRINCIPAL = "system:bootstrap";
    /** The admin token's lifetime (shorter when the server's maximum token lifetime is). */
    public static final Duration ADMIN_TOKEN_TTL = Duration.ofDays(365);

    private AdminBootstrap() {}

    /** Installs the bootstrap policy in the default tenant unless it exists. Returns whether it did. */
    public static boolean ensurePolicy(PolicyStore policies, AuditLog audit) {
        String tenant = ClaimMapping.DEFAULT_TENANT;
        if (policies.get(tenant, POLICY).isPresent()) {
            return false;
        }
        Policy admin = Policy.allow(POLICY, List.of("group:" + ADMIN_GROUP), List.of("secrets:*"), List.of("*"));
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        policies.put(tenant, admin, stored -> audit.append(AuditEvent.builder(AuditEventType.POLICY_PUT, tenant, BOOTSTRAP_PRINCIPAL,
                "bootstrap-" + UUID.randomUUID(), Decision.ALLOW, now).detail("policy=" + POLICY).reason("first start").build()));
        return true;
    }

    /** Writes {@code admin.token} unless it exists. Returns whether it did. */
    public static boolean ensureToken(DataDir data, TokenMinter minter) {
        if (data.has(DataDir.ADMIN_TOKEN)) {
            return false;
        }
        // A server run with a shorter --max-token-lifetime must still accept the token it writes.
        Duration ttl = ADMIN_TOKEN_TTL.compareTo(minter.maxLifetime()) <= 0 ? ADMIN_TOKEN_TTL : minter.maxLifetime();
        String token = minter.mint(TokenMinter.TokenRequest.subject("admin").groups(List.of(ADMIN_GROUP)).ttl(ttl));
        data.writeNew(DataDir.ADMIN_TOKEN, token + "\n");
        return true;
    }
}
