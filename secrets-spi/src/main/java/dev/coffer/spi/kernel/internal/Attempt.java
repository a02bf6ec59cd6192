package dev.coffer.spi.kernel.internal;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Action;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.audit.AuditEventType;
import dev.coffer.spi.audit.AuditLog;
import dev.coffer.spi.audit.Decision;
import dev.coffer.spi.error.AccessDeniedException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.SecretsException;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.store.AuditOutbox;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One call's audit trail: collects what is learnt about the call (secret, version, action,
 * detail) and writes exactly one outcome event — allow, deny or error.
 *
 * <p>Outside a change the events go straight to the log; writing the allow event may fail, and
 * then the call fails with {@code AUDIT_UNAVAILABLE}, which is what makes the kernel fail closed
 * (a read returns no value). Inside a change ({@link #prepare}) they are handed to the store,
 * which commits them with the change; once the store has returned, {@link #relay} moves them from
 * the store's outbox into the log.
 */
public final class Attempt {
    private static final System.Logger LOG = System.getLogger("dev.coffer.spi.kernel");

    /** How many waiting events one relay step moves. */
    public static final int RELAY_BATCH = 100;

    private final AuditLog log;
    private final AtomicBoolean relayFailing;
    private final AccessContext ctx;
    private final AuditEventType type;
    private final Instant at;
    private SecretPath path;
    private Integer version;
    private String action;
    private String detail;
    private boolean settled;
    // The events of the store's latest prepare of this call's change (a retrying store prepares again).
    private List<AuditEvent> staged;
    private AuditOutbox stagedIn;

    public Attempt(AuditLog log, AccessContext ctx, AuditEventType type, Instant at) {
        this(log, ctx, type, at, new AtomicBoolean());
    }

    /**
     * As above; {@code relayFailing} is shared by a manager's calls, so that a log outage is
     * reported once when relaying starts failing and once when it works again, not per write.
     */
    public Attempt(AuditLog log, AccessContext ctx, AuditEventType type, Instant at,
            AtomicBoolean relayFailing) {
        this.relayFailing = relayFailing;
        this.log = log;
        this.ctx = ctx;
        this.type = type;
        this.at = at;
    }

    /** The secret this call concerns. */
    public Attempt on(SecretPath secretPath) {
        this.path = secretPath;
        return this;
    }

    /** The version this call concerns. */
    public Attempt version(int number) {
        this.version = number;
        return this;
    }

    /** The policy action this call was checked for. */
    public Attempt action(Action checked) {
        this.action = checked.wireName();
        return this;
    }

    /** The fixed-form detail of the event (never a value). */
    public Attempt detail(String text) {
        this.detail = text;
        return this;
    }

    /** The moment the call started, truncated to microseconds. */
    public Instant at() {
        return at;
    }

    /** Audits a refusal and returns the exception to throw. A failing audit log does not turn a deny into an allow. */
    public AccessDeniedException denied(Action checked, String explanation) {
        return denied(checked, ErrorCode.ACCESS_DENIED, ctx.principal().id() + " may not " + checked.wireName()
                + (path == null ? "" : " on " + path.qualifiedName()), explanation);
    }

    /**
     * Audits a refusal with its own code and message (such as {@code ENVIRONMENT_PROTECTED}) as an
     * {@code ACCESS_DENIED} event, and returns the exception to throw.
     */
    public AccessDeniedException denied(Action checked, ErrorCode code, String message, String explanation) {
        action(checked);
        AccessDeniedException denied = new AccessDeniedException(code, message);
        settled = true;
        try {
            log.append(draft(AuditEventType.ACCESS_DENIED, Decision.DENY, explanation, null).build());
        } catch (RuntimeException auditFailure) {
            denied.addSuppressed(auditUnavailable(auditFailure));
        }
        LOG.log(Level.DEBUG, "denied: {0}", explanation);
        return denied;
    }

    /** Audits success with the caller's reason and ticket. Throws {@code AUDIT_UNAVAILABLE} if the log cannot be written. */
    public void allowed() {
        allowedAs(type, ctx.reason(), ctx.ticket());
    }

    /** Audits success as {@code eventType} with the given reason and ticket (break-glass uses the grant's). */
    public void allowedAs(AuditEventType eventType, String reason, String ticket) {
        append(draft(eventType, Decision.ALLOW, reason, ticket).build());
    }

    /** Audits an extra success event of another type in the same call (e.g. the alias move of a CURRENT add). */
    public void alsoAllowed(AuditEventType eventType, String eventDetail) {
        append(draft(eventType, Decision.ALLOW, ctx.reason(), ctx.ticket()).detail(eventDetail).build());
    }

    /**
     * Audits this call's outcome as an error with a fixed reason code (a rotation step that failed
     * downstream, where the code is the rotator's and not an {@link ErrorCode}), inside or outside a change.
     */
    public void erred(String reasonCode) {
        append(draft(type, Decision.ERROR, reasonCode, null).build());
    }

    /**
     * Audits a failure unless this call's outcome is already recorded (a denial) or the audit log
     * itself is what failed, and returns the exception for the caller to rethrow.
     */
    public RuntimeException failed(RuntimeException failure) {
        if (settled) {
            return failure;
        }
        settled = true;
        String reason = failure instanceof SecretsException se ? se.code().name() : "INTERNAL_ERROR " + failure.getClass().getSimpleName();
        try {
            log.append(draft(type, Decision.ERROR, reason, null).build());
        } catch (RuntimeException auditFailure) {
            failure.addSuppressed(auditUnavailable(auditFailure));
        }
        LOG.log(Level.DEBUG, "{0} failed for {1}: {2}", type, ctx.principal().id(), reason);
        return failure;
    }

    /**
     * Runs {@code describe} (which calls {@link #allowed()} and the like) inside a store's atomic
     * unit and returns the events it produced, for the store to commit with the change instead of
     * appending them to the log now.
     */
    public List<AuditEvent> prepare(AuditOutbox outbox, Runnable describe) {
        List<AuditEvent> events = new ArrayList<>(2);
        staged = events;
        stagedIn = outbox;
        describe.run();
        return List.copyOf(events);
    }

    /**
     * After the store committed the change: the events it committed are this call's outcome, and
     * an outbox-keeping store's are appended to the log now (the log ignores an id it holds, the
     * outbox is then acknowledged). If the log cannot be written, the events stay in the outbox for
     * {@link #relayPending}, and the call still succeeds: its change was committed with them.
     */
    public void relay() {
        if (staged == null) {
            return;
        }
        settled = true;
        List<AuditEvent> events = staged;
        AuditOutbox outbox = stagedIn;
        staged = null;
        if (!outbox.holdsEvents() || events.isEmpty()) {
            return;
        }
        try {
            if (relayFailing.get()) {
                // After an outage the backlog goes first, so that the log keeps the order of commit.
                relayPending(outbox, log, RELAY_BATCH);
            } else {
                for (AuditEvent event : events) {
                    log.append(event);
                }
                outbox.acknowledge(events.stream().map(AuditEvent::id).toList());
            }
            if (relayFailing.compareAndSet(true, false)) {
                LOG.log(Level.INFO, "audit events of committed changes reach the audit log again");
            }
        } catch (RuntimeException relayFailure) {
            Level level = relayFailing.compareAndSet(false, true) ? Level.WARNING : Level.DEBUG;
            LOG.log(level, "audit events of a committed {0} wait in the store''s outbox until they can be relayed"
                    + " (StandardSecretManager.relayAuditOutbox): {1}", type, relayFailure.getClass().getName());
        }
    }

    /**
     * Moves every event waiting in {@code outbox} into {@code log}, oldest first, in batches of
     * {@code batch}; returns how many. A failure stops the relay and propagates; what was
     * appended but not acknowledged is appended again, harmlessly, next time.
     */
    public static int relayPending(AuditOutbox outbox, AuditLog log, int batch) {
        int relayed = 0;
        String previousFirst = null;
        while (true) {
            List<AuditEvent> pending = outbox.pending(batch);
            if (pending.isEmpty()) {
                return relayed;
            }
            // An outbox that hands out what it was told to forget would keep the relay here for ever.
            if (pending.get(0).id().equals(previousFirst)) {
                throw new IllegalStateException("the audit outbox still holds event " + previousFirst
                        + " after it was acknowledged");
            }
            previousFirst = pending.get(0).id();
            for (AuditEvent event : pending) {
                log.append(event);
            }
            outbox.acknowledge(pending.stream().map(AuditEvent::id).toList());
            relayed += pending.size();
        }
    }

    private void append(AuditEvent event) {
        if (staged != null) {
            staged.add(event);
            return;
        }
        try {
            log.append(event);
        } catch (RuntimeException auditFailure) {
            settled = true;
            UnavailableException unavailable = auditUnavailable(auditFailure);
            LOG.log(Level.WARNING, "audit log unavailable; {0} refused for {1}", type, ctx.principal().id());
            throw unavailable;
        }
    }

    private static UnavailableException auditUnavailable(RuntimeException cause) {
        if (cause instanceof UnavailableException u && u.code() == ErrorCode.AUDIT_UNAVAILABLE) {
            return u;
        }
        return new UnavailableException(ErrorCode.AUDIT_UNAVAILABLE, "audit log cannot be written; the operation was refused", cause);
    }

    private AuditEvent.Builder draft(AuditEventType eventType, Decision decision, String reason, String ticket) {
        AuditEvent.Builder b = AuditEvent.builder(eventType, ctx.tenant(), ctx.principal().id(), ctx.requestId(), decision, at)
                .version(version)
                .action(action)
                .detail(detail)
                .sourceIp(ctx.sourceIp())
                .reason(reason)
                .ticket(ticket == null ? ctx.ticket() : ticket);
        if (path != null) {
            b.secret(path.environment(), path.path());
        }
        return b;
    }
}
