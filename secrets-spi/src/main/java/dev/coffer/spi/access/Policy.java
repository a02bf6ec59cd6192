package dev.coffer.spi.access;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Who may do what to which secrets. Default deny: without a matching allow nothing is allowed;
 * a matching deny wins over every allow and every break-glass grant. Conditions fail closed on
 * both effects (see {@link Conditions}): an allow needs them proven, a deny applies unless one
 * is proven false.
 *
 * <ul>
 *   <li>principals: ids such as {@code user:alice}, {@code service:prod:payments-api} or
 *       {@code group:payments-oncall}; {@code *} in a principal matches any run of characters</li>
 *   <li>actions: {@link Action} wire names, or {@value Action#ALL}</li>
 *   <li>resources: {@link ResourcePattern}s such as {@code prod/payments/*}</li>
 * </ul>
 *
 * <pre>{@code
 * Policy readers = Policy.allow("payments-read",
 *         List.of("service:prod:payments-api"), List.of("secrets:read"), List.of("prod/payments/*"));
 * }</pre>
 *
 * @param name unique within a tenant, {@code [a-z0-9][a-z0-9._-]{0,127}}
 * @param effect allow or deny
 * @param principals principal globs, at least one
 * @param actions action names, at least one
 * @param resources resource patterns, at least one
 * @param conditions extra requirements, never {@code null}
 */
public record Policy(String name, Effect effect, List<String> principals, List<String> actions, List<String> resources, Conditions conditions) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");
    private static final Pattern PRINCIPAL_GLOB = Pattern.compile("[A-Za-z0-9._@:+/*-]{1,200}");

    public Policy {
        requireName(name);
        if (effect == null) {
            throw invalid("policy '" + name + "': effect must be allow or deny");
        }
        principals = nonEmpty(name, "principals", principals);
        actions = nonEmpty(name, "actions", actions);
        resources = nonEmpty(name, "resources", resources);
        for (String p : principals) {
            if (p == null || !PRINCIPAL_GLOB.matcher(p).matches()) {
                throw invalid("policy '" + name + "': principals must match [A-Za-z0-9._@:+/*-]{1,200}");
            }
        }
        for (String a : actions) {
            if (!Action.ALL.equals(a)) {
                Action.fromWireName(a);
            }
        }
        resources.forEach(ResourcePattern::parse);
        conditions = conditions == null ? Conditions.none() : conditions;
    }

    /** An allow policy without conditions. */
    public static Policy allow(String name, List<String> principals, List<String> actions, List<String> resources) {
        return new Policy(name, Effect.ALLOW, principals, actions, resources, Conditions.none());
    }

    /** A deny policy without conditions. */
    public static Policy deny(String name, List<String> principals, List<String> actions, List<String> resources) {
        return new Policy(name, Effect.DENY, principals, actions, resources, Conditions.none());
    }

    /** A copy with these conditions. */
    public Policy withConditions(Conditions newConditions) {
        return new Policy(name, effect, principals, actions, resources, newConditions);
    }

    /**
     * Whether this policy takes part in deciding {@code ctx}'s request, as far as its conditions
     * go: an allow when {@link Conditions#holdFor} the request, a deny when they
     * {@link Conditions#cannotBeRuledOutFor} it.
     */
    public boolean appliesTo(AccessContext ctx) {
        return effect == Effect.ALLOW ? conditions.holdFor(ctx) : conditions.cannotBeRuledOutFor(ctx);
    }

    /**
     * Refuses a deny that carries a condition a caller can satisfy by omission
     * ({@link Conditions#omissibleOnDeny()}), naming how to write the rule instead. Policies are
     * checked when they are put, not when they are built, so a store can still load one it holds.
     *
     * @return this policy
     * @throws InvalidRequestException {@link ErrorCode#INVALID_POLICY}
     */
    public Policy requireFailClosed() {
        List<String> omissible = effect == Effect.DENY ? conditions.omissibleOnDeny() : List.of();
        if (!omissible.isEmpty()) {
            String names = String.join(" and ", omissible);
            throw invalid("policy '" + name + "': a deny cannot carry " + names
                    + " (a caller would evade it by leaving " + (omissible.size() == 1 ? "it" : "them") + " out); require "
                    + names + " on the allow policies instead, so that a request without "
                    + (omissible.size() == 1 ? "it" : "them") + " is not allowed");
        }
        return this;
    }

    /** Validates a policy name. */
    public static String requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw invalid("policy names must match [a-z0-9][a-z0-9._-]{0,127}");
        }
        return name;
    }

    /** Whether this policy names {@code action} (directly or through {@value Action#ALL}). */
    public boolean coversAction(Action action) {
        return actions.contains(Action.ALL) || actions.contains(action.wireName());
    }

    /** Whether one of the principal globs matches one of {@code names}. */
    public boolean coversPrincipal(java.util.Set<String> names) {
        return principals.stream().anyMatch(glob -> names.stream().anyMatch(n -> globMatches(glob, n)));
    }

    // '*' matches any run of characters (including ':'), everything else literally.
    static boolean globMatches(String glob, String name) {
        int g = 0;
        int n = 0;
        int star = -1;
        int mark = 0;
        while (n < name.length()) {
            if (g < glob.length() && glob.charAt(g) == '*') {
                star = g++;
                mark = n;
            } else if (g < glob.length() && glob.charAt(g) == name.charAt(n)) {
                g++;
                n++;
            } else if (star >= 0) {
                g = star + 1;
                n = ++mark;
            } else {
                return false;
            }
        }
        while (g < glob.length() && glob.charAt(g) == '*') {
            g++;
        }
        return g == glob.length();
    }

    private static List<String> nonEmpty(String name, String field, List<String> values) {
        if (values == null || values.isEmpty()) {
            throw invalid("policy '" + name + "': " + field + " must list at least one entry");
        }
        if (values.size() > 256) {
            throw invalid("policy '" + name + "': " + field + " lists more than 256 entries");
        }
        for (String v : values) {
            if (v == null) {
                throw invalid("policy '" + name + "': " + field + " must not contain null");
            }
        }
        return List.copyOf(values);
    }

    private static InvalidRequestException invalid(String message) {
        return new InvalidRequestException(ErrorCode.INVALID_POLICY, message);
    }
}
