package dev.coffer.spi.kernel.internal;

import dev.coffer.spi.access.Action;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.audit.AuditSummary;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.store.SecretStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.function.Function;

/** Builds an {@link AuditSummary} by walking a tenant's audit events and secrets. */
public final class AuditSummarizer {
    /** The detail prefix of a move of alias {@code current}: a rotation. */
    public static final String CURRENT_MOVE_PREFIX = "alias=current ";

    private final AuditLog log;
    private final SecretStore store;
    private final Function<Secret, Optional<Instant>> dueAt;

    public AuditSummarizer(AuditLog log, SecretStore store) {
        this(log, store, Secret::rotationDueAt);
    }

    /** As above; {@code dueAt} says when a secret's next rotation is due (its rotation policy's nextRotationAt). */
    public AuditSummarizer(AuditLog log, SecretStore store, Function<Secret, Optional<Instant>> dueAt) {
        this.log = log;
        this.store = store;
        this.dueAt = dueAt;
    }

    /** Summarizes {@code tenant}'s events in {@code [since, until]} and its overdue secrets at {@code until}. */
    public AuditSummary summarize(String tenant, Instant since, Instant until) {
        Map<String, Long> readsByPrincipal = new TreeMap<>();
        Map<String, Long> readsBySecret = new TreeMap<>();
        List<AuditEvent> breakGlassReads = new ArrayList<>();
        Map<String, Long> deniedReads = new TreeMap<>();
        Map<String, Long> rotationsByTeam = new TreeMap<>();
        Map<String, String> teamByPath = new HashMap<>();

        // AuditQuery.until is exclusive; the summary includes what happened at 'until' itself.
        AuditQuery query = AuditQuery.tenant(tenant).withSince(since).withUntil(until.plus(1, ChronoUnit.MICROS));
        PageRequest page = PageRequest.first(PageRequest.MAX_LIMIT);
        while (page != null) {
            Page<AuditEvent> events = log.query(query, page);
            for (AuditEvent e : events.items()) {
                boolean read = e.eventType() == AuditEventType.SECRET_READ || e.eventType() == AuditEventType.BREAK_GLASS_READ;
                if (read && e.decision() == Decision.ALLOW) {
                    readsByPrincipal.merge(e.principal(), 1L, Long::sum);
                    readsBySecret.merge(e.qualifiedPath(), 1L, Long::sum);
                    if (e.eventType() == AuditEventType.BREAK_GLASS_READ) {
                        breakGlassReads.add(e);
                    }
                } else if (e.eventType() == AuditEventType.ACCESS_DENIED && Action.READ.wireName().equals(e.action())) {
                    deniedReads.merge(e.principal(), 1L, Long::sum);
                } else if (e.eventType() == AuditEventType.ALIAS_MOVE && e.decision() == Decision.ALLOW
                        && e.detail() != null && e.detail().startsWith(CURRENT_MOVE_PREFIX)) {
                    String team = teamByPath.computeIfAbsent(e.qualifiedPath(), p -> ownerTeam(tenant, p));
                    rotationsByTeam.merge(team, 1L, Long::sum);
                }
            }
            page = events.next().map(page::next).orElse(null);
        }
        return new AuditSummary(since, until, readsByPrincipal, readsBySecret, breakGlassReads, deniedReads,
                rotationsByTeam, overdue(tenant, until));
    }

    private String ownerTeam(String tenant, String qualifiedPath) {
        return store.findSecretByPath(SecretPath.parse(tenant, qualifiedPath)).map(Secret::ownerTeam).orElse("(deleted secret)");
    }

    private List<AuditSummary.OverdueRotation> overdue(String tenant, Instant now) {
        List<AuditSummary.OverdueRotation> overdue = new ArrayList<>();
        PageRequest page = PageRequest.first(PageRequest.MAX_LIMIT);
        while (page != null) {
            Page<Secret> secrets = store.listSecrets(tenant, SecretFilter.all(), page);
            for (Secret s : secrets.items()) {
                if (!s.isPendingDeletion()) {
                    dueAt.apply(s).filter(due -> due.isBefore(now)).ifPresent(due -> overdue.add(
                            new AuditSummary.OverdueRotation(s.id(), s.path().qualifiedName(), s.ownerTeam(), due)));
                }
            }
            page = secrets.next().map(page::next).orElse(null);
        }
        return overdue;
    }
}
