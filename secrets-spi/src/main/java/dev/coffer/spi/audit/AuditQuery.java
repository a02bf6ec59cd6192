package dev.coffer.spi.audit;

import dev.coffer.spi.internal.PlainText;
import java.time.Instant;
import java.util.Objects;

/**
 * Filters for {@link AuditLog#query}. Every field but {@code tenant} is optional ({@code null}).
 *
 * @param tenant only events of this tenant
 * @param environment only events of this environment
 * @param path only events of this exact path (without environment)
 * @param principal only events by this principal id
 * @param eventType only events of this type
 * @param decision only events with this decision
 * @param since only events at or after this time
 * @param until only events before this time
 */
public record AuditQuery(String tenant, String environment, String path, String principal, AuditEventType eventType,
        Decision decision, Instant since, Instant until) {

    public AuditQuery {
        Objects.requireNonNull(tenant, "tenant");
        // Filters reach the store's queries: the text rule keeps them portable (PostgreSQL refuses NUL).
        PlainText.require("environment", environment);
        PlainText.require("path", path);
        PlainText.require("principal", principal);
    }

    /** Every event of a tenant. */
    public static AuditQuery tenant(String tenant) {
        return new AuditQuery(tenant, null, null, null, null, null, null, null);
    }

    public AuditQuery withSecret(String env, String secretPath) {
        return new AuditQuery(tenant, env, secretPath, principal, eventType, decision, since, until);
    }

    public AuditQuery withPrincipal(String id) {
        return new AuditQuery(tenant, environment, path, id, eventType, decision, since, until);
    }

    public AuditQuery withEventType(AuditEventType type) {
        return new AuditQuery(tenant, environment, path, principal, type, decision, since, until);
    }

    public AuditQuery withDecision(Decision d) {
        return new AuditQuery(tenant, environment, path, principal, eventType, d, since, until);
    }

    public AuditQuery withSince(Instant from) {
        return new AuditQuery(tenant, environment, path, principal, eventType, decision, from, until);
    }

    public AuditQuery withUntil(Instant to) {
        return new AuditQuery(tenant, environment, path, principal, eventType, decision, since, to);
    }

    /** Whether {@code event} passes every filter. Stores may use it or translate it to SQL. */
    public boolean matches(AuditEvent event) {
        return tenant.equals(event.tenant())
                && (environment == null || environment.equals(event.environment()))
                && (path == null || path.equals(event.path()))
                && (principal == null || principal.equals(event.principal()))
                && (eventType == null || eventType == event.eventType())
                && (decision == null || decision == event.decision())
                && (since == null || !event.createdAt().isBefore(since))
                && (until == null || event.createdAt().isBefore(until));
    }
}
