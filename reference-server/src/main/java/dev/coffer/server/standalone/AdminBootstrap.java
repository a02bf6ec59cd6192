package dev.coffer.server.standalone;

import dev.coffer.server.auth.ClaimMapping;
import dev.coffer.server.auth.TokenMinter;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.store.AuditOutbox;
import dev.coffer.spi.store.PolicyStore;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * How the first administrator comes to exist, once per installation: the policy {@value #POLICY}
 * (allow {@code group:}{@value #ADMIN_GROUP} every action on every secret of the default tenant)
 * is installed directly in the policy store, audited as {@code POLICY_PUT} by
 * {@value #BOOTSTRAP_PRINCIPAL}, and a token of {@code user:admin} in that group is written to
 * {@code <data>/admin.token}.
 *
 * <p>Each half happens once and is recorded where it lives: the policy with the database (its
 * {@link BootstrapRecord}, committed with the policy, so several instances on one PostgreSQL
 * agree), the token with the data directory (the file {@value DataDir#BOOTSTRAP_MARKER}). What
 * an operator later removes — the policy, the token file — stays removed; a new administrator
 * token comes from {@code coffer token mint}. An installation from before these records existed
 * is recognized (the policy, or its bootstrap audit event, is there; the data directory already
 * had its signing key) and only recorded, nothing is re-created.
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

    /**
     * Installs the bootstrap policy in the default tenant if this installation never had its
     * bootstrap. Returns whether it did.
     */
    public static boolean ensurePolicy(PolicyStore policies, AuditLog audit, BootstrapRecord record) {
        if (record.done()) {
            return false;
        }
        String tenant = ClaimMapping.DEFAULT_TENANT;
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        if (policies.get(tenant, POLICY).isPresent() || bootstrappedBefore(audit, tenant)) {
            record.record(now); // installed before the record existed: note it, re-create nothing
            return false;
        }
        Policy admin = Policy.allow(POLICY, List.of("group:" + ADMIN_GROUP), List.of("secrets:*"), List.of("*"));
        AuditEvent event = AuditEvent.builder(AuditEventType.POLICY_PUT, tenant, BOOTSTRAP_PRINCIPAL,
                "bootstrap-" + UUID.randomUUID(), Decision.ALLOW, now).detail("policy=" + POLICY).reason("first start").build();
        try {
            // The record and the event commit with the policy: the event into the chain (JDBI) or
            // into the store's outbox.
            policies.put(tenant, admin, record.recording(now, stored -> List.of(event)));
        } catch (RuntimeException e) {
            if (record.recordedBefore(e)) {
                return false; // another instance on the same database did it meanwhile; its put stands
            }
            throw e;
        }
        relay(policies.auditOutbox(), audit, event);
        return true;
    }

    // Moves the bootstrap event from an outbox-keeping store into the log now, as the kernel does
    // after a change; if the log cannot be written, the server's relay does it later.
    private static void relay(AuditOutbox outbox, AuditLog audit, AuditEvent event) {
        if (!outbox.holdsEvents()) {
            return;
        }
        try {
            audit.append(event);
            outbox.acknowledge(List.of(event.id()));
        } catch (RuntimeException e) {
            // it waits in the outbox; the relay's own warning tells the operator
        }
    }

    /**
     * Whether this start is the data directory's first, or completes a first one that was cut
     * short: no signing key yet (then {@value DataDir#BOOTSTRAP_PENDING} is written, before the
     * key), or {@value DataDir#BOOTSTRAP_PENDING} is still there. Call before the signing key is
     * created; pass the answer to {@link #ensureToken}.
     */
    public static boolean beginDataDir(DataDir data) {
        if (data.has(DataDir.BOOTSTRAP_PENDING)) {
            return true;
        }
        if (data.has(DataDir.SIGNING_KEY)) {
            return false;
        }
        if (!data.has(DataDir.BOOTSTRAP_MARKER)) {
            data.createOnce(DataDir.BOOTSTRAP_PENDING, "the first start of this data directory is under way (or was cut short; "
                    + "the next start completes it)\n");
        }
        return true;
    }

    /**
     * Writes {@code admin.token} on the data directory's first start ({@code freshDataDir}, from
     * {@link #beginDataDir}) and records that the data directory's bootstrap is done. Returns
     * whether it wrote the token.
     */
    public static boolean ensureToken(DataDir data, TokenMinter minter, boolean freshDataDir) {
        if (data.has(DataDir.BOOTSTRAP_MARKER)) {
            data.delete(DataDir.BOOTSTRAP_PENDING); // a start cut short between the two
            return false;
        }
        boolean written = false;
        if (freshDataDir && !data.has(DataDir.ADMIN_TOKEN)) {
            // A server run with a shorter --max-token-lifetime must still accept the token it writes.
            Duration ttl = ADMIN_TOKEN_TTL.compareTo(minter.maxLifetime()) <= 0 ? ADMIN_TOKEN_TTL : minter.maxLifetime();
            String token = minter.mint(TokenMinter.TokenRequest.subject("admin").groups(List.of(ADMIN_GROUP)).ttl(ttl));
            written = data.createOnce(DataDir.ADMIN_TOKEN, token + "\n");
        }
        data.createOnce(DataDir.BOOTSTRAP_MARKER, "admin token issued " + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + "; delete admin.token to retire it, `coffer token mint` makes new tokens\n");
        data.delete(DataDir.BOOTSTRAP_PENDING);
        return written;
    }

    private static boolean bootstrappedBefore(AuditLog audit, String tenant) {
        AuditQuery query = AuditQuery.tenant(tenant).withPrincipal(BOOTSTRAP_PRINCIPAL).withEventType(AuditEventType.POLICY_PUT);
        return !audit.query(query, PageRequest.first(1)).items().isEmpty();
    }
}
