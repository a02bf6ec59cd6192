package dev.coffer.spi.kernel.internal;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Action;
import dev.coffer.spi.access.BreakGlassGrant;
import dev.coffer.spi.access.Effect;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.ResourcePattern;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.store.PolicyStore;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * Evaluates a tenant's policies: default deny, an explicit deny wins over every allow and every
 * break-glass grant, conditions fail closed ({@link Policy#appliesTo}).
 *
 * <p>A requested resource is a {@link ResourcePattern}: a concrete secret path, {@code *} for
 * tenant-wide actions, or the patterns of a break-glass request. An allow must cover all of it;
 * a deny that overlaps any part of it wins.
 */
public final class Authorizer {
    /** The resource tenant-wide actions (policies, audit) are checked against. */
    public static final ResourcePattern TENANT_WIDE = ResourcePattern.parse("*");

    private final PolicyStore policies;
    private final BiPredicate<AccessContext, Action> trusted;

    public Authorizer(PolicyStore policies) {
        this(policies, (ctx, action) -> false);
    }

    /**
     * As above; {@code trusted} allows a caller the kernel itself created (the rotation engine) an
     * action without a policy. It is asked before the policies, and only the kernel can make a
     * context it answers yes for: an id alone never passes.
     */
    public Authorizer(PolicyStore policies, BiPredicate<AccessContext, Action> trusted) {
        this.policies = policies;
        this.trusted = trusted;
    }

    /**
     * The outcome of one check, with an explanation fit for the audit log.
     *
     * @param allowed whether an allow applies and no deny does
     * @param explicitlyDenied whether a deny applies (nothing, not even a break-glass grant, opens it then)
     */
    public record Verdict(boolean allowed, boolean explicitlyDenied, String explanation) {}

    /** Checks {@code action} on the secret at {@code path}. */
    public Verdict check(AccessContext ctx, Action action, SecretPath path) {
        return check(ctx, action, ResourcePattern.exact(path));
    }

    /** Checks {@code action} on every resource {@code requested} matches. */
    public Verdict check(AccessContext ctx, Action action, ResourcePattern requested) {
        return check(policies.list(ctx.tenant()), ctx, action, requested);
    }

    /** The tenant's policies, loaded once for a call that checks many secrets (a listing). */
    public List<Policy> policiesOf(AccessContext ctx) {
        return policies.list(ctx.tenant());
    }

    /** Checks against policies already loaded with {@link #policiesOf}. */
    public Verdict check(List<Policy> tenantPolicies, AccessContext ctx, Action action, ResourcePattern requested) {
        if (trusted.test(ctx, action)) {
            return new Verdict(true, false, action + " on " + requested + " allowed to the rotation engine");
        }
        Set<String> names = ctx.principal().policyNames();
        String allowedBy = null;
        for (Policy policy : tenantPolicies) {
            if (!policy.coversAction(action) || !policy.coversPrincipal(names) || !policy.appliesTo(ctx)) {
                continue;
            }
            if (policy.effect() == Effect.DENY) {
                if (policy.resources().stream().map(ResourcePattern::parse).anyMatch(r -> r.overlaps(requested))) {
                    return new Verdict(false, true, action + " on " + requested + " denied by policy " + policy.name());
                }
            } else if (allowedBy == null
                    && policy.resources().stream().map(ResourcePattern::parse).anyMatch(r -> r.covers(requested))) {
                allowedBy = policy.name();
            }
        }
        return allowedBy != null
                ? new Verdict(true, false, action + " on " + requested + " allowed by policy " + allowedBy)
                : new Verdict(false, false, "no policy allows " + action + " on " + requested);
    }

    /**
     * Whether an allow of any of {@code actions} could apply to the caller somewhere in
     * {@code scope}, before looking at any secret: {@code false} means every secret in scope is
     * hidden from it, so a listing need not look at one.
     */
    public boolean mayAllowAny(List<Policy> tenantPolicies, AccessContext ctx, ResourcePattern scope, Action... actions) {
        Set<String> names = ctx.principal().policyNames();
        for (Policy policy : tenantPolicies) {
            if (policy.effect() == Effect.ALLOW && policy.coversPrincipal(names) && policy.appliesTo(ctx)
                    && Arrays.stream(actions).anyMatch(policy::coversAction)
                    && policy.resources().stream().map(ResourcePattern::parse).anyMatch(r -> r.overlaps(scope))) {
                return true;
            }
        }
        return false;
    }

    /** Whether any of {@code actions} is allowed on {@code path}. */
    public boolean anyAllowed(AccessContext ctx, SecretPath path, Action... actions) {
        return anyAllowed(policiesOf(ctx), ctx, path, actions);
    }

    /** Whether any of {@code actions} is allowed on {@code path}, against policies already loaded. */
    public boolean anyAllowed(List<Policy> tenantPolicies, AccessContext ctx, SecretPath path, Action... actions) {
        ResourcePattern requested = ResourcePattern.exact(path);
        for (Action action : actions) {
            if (check(tenantPolicies, ctx, action, requested).allowed()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The break-glass grant under which the caller may read {@code path}: an active grant covering
     * it, with {@code secrets:read-break-glass} still allowed on the path right now.
     */
    public Optional<BreakGlassGrant> breakGlassFor(AccessContext ctx, SecretPath path, Instant now) {
        for (BreakGlassGrant grant : policies.activeGrants(ctx.tenant(), ctx.principal().id(), now)) {
            if (grant.activeAt(now) && grant.covers(path)) {
                AccessContext underGrant = ctx.withReason(grant.reason()).withTicket(grant.ticketUrl());
                if (check(underGrant, Action.READ_BREAK_GLASS, path).allowed()) {
                    return Optional.of(grant);
                }
            }
        }
        return Optional.empty();
    }
}
