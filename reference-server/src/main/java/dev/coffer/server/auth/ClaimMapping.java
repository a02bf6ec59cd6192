package dev.coffer.server.auth;

import dev.coffer.server.auth.TokenRejectedException.Reason;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.error.SecretsException;
import dev.coffer.spi.model.SecretPath;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Turns verified JWT claims into a Coffer {@link Principal}.
 *
 * <ul>
 *   <li>principal id: {@code sub}, else {@code upn}. A name that already has a {@code kind:}
 *       prefix ({@code service:prod:payments-api}) is kept; any other becomes
 *       {@code user:<name>}. The kind {@code group} is refused: group principals come from the
 *       {@code groups} claim only, so no token can pose as a group;</li>
 *   <li>groups: the {@code groups} claim (matched by policies as {@code group:<name>});</li>
 *   <li>tenant: the {@code tenant} claim, which must be a JSON string that is a valid tenant id
 *       ({@link SecretPath#requireTenant}); tokens without the claim act in {@value #DEFAULT_TENANT},
 *       like Vault's root namespace, so single-tenant installations need no extra claim. A claim
 *       that is present but blank, {@code null}, a number, a boolean, an array or an object is
 *       refused: it never falls back to the default tenant;</li>
 *   <li>mfa: {@code amr} contains {@code mfa};</li>
 *   <li>cluster: the {@code cluster} claim, for {@code sourceCluster} conditions.</li>
 * </ul>
 */
public final class ClaimMapping {
    /** The tenant of tokens without a {@code tenant} claim: the kernel's operator tenant. */
    public static final String DEFAULT_TENANT = dev.coffer.spi.SecretManager.OPERATOR_TENANT;
    /** The claim naming the tenant. */
    public static final String TENANT_CLAIM = "tenant";
    /** The claim naming the caller's cluster. */
    public static final String CLUSTER_CLAIM = "cluster";

    private static final Pattern KIND_PREFIX = Pattern.compile("[a-z][a-z0-9-]*:.+");
    /** Principal ids Coffer's own services act under ({@code service:coffer:rotation}); no token may claim one. */
    public static final String RESERVED_PREFIX = "service:coffer:";

    private ClaimMapping() {}

    /**
     * The principal {@code jwt} stands for.
     *
     * @throws TokenRejectedException when the claims do not name a valid principal
     */
    public static Principal principal(JsonWebToken jwt) throws TokenRejectedException {
        String name = firstNonBlank(jwt.getSubject(), stringClaim(jwt, "upn"));
        if (name == null) {
            throw new TokenRejectedException(Reason.BAD_PRINCIPAL, "token has neither sub nor upn");
        }
        String id = principalId(name);
        String tenant = tenant(jwt);
        try {
            return new Principal(id, tenant, strings(jwt.getClaim("groups")), strings(jwt.getClaim("amr")).contains("mfa"),
                    has(jwt, CLUSTER_CLAIM) ? stringClaim(jwt, CLUSTER_CLAIM) : null);
        } catch (SecretsException e) {
            // The kernel's message quotes the offending text; a 401 names the rule only.
            throw new TokenRejectedException(Reason.BAD_PRINCIPAL,
                    "token claims do not name a valid principal (principal id must look like <kind>:<name>)");
        }
    }

    /**
     * The tenant {@code jwt} names: {@value #DEFAULT_TENANT} only when the claim is absent; a
     * present claim must be a string that is a valid tenant id. The refusal never quotes the claim.
     */
    static String tenant(JsonWebToken jwt) throws TokenRejectedException {
        if (!has(jwt, TENANT_CLAIM)) {
            return DEFAULT_TENANT;
        }
        Object claim = jwt.getClaim(TENANT_CLAIM);
        String text = claim instanceof JsonString s ? s.getString() : claim instanceof String s ? s : null;
        try {
            return SecretPath.requireTenant(text);
        } catch (SecretsException e) {
            throw new TokenRejectedException(Reason.BAD_TENANT,
                    "token tenant claim is invalid: it must be a string matching [a-z][a-z0-9-]{0,62}, or be absent for tenant "
                            + DEFAULT_TENANT);
        }
    }

    /** {@code name} as a principal id: kept when it has a {@code kind:} prefix, else {@code user:<name>}. */
    public static String principalId(String name) throws TokenRejectedException {
        if (KIND_PREFIX.matcher(name).matches()) {
            if (name.startsWith("group:")) {
                throw new TokenRejectedException(Reason.BAD_PRINCIPAL, "token subject may not be a group");
            }
            if (name.startsWith(RESERVED_PREFIX)) {
                // The kernel's own services (the rotation engine) act under these ids; a token may not.
                throw new TokenRejectedException(Reason.BAD_PRINCIPAL, "token subject may not be one of Coffer's own services ("
                        + RESERVED_PREFIX + "...)");
            }
            return name;
        }
        return "user:" + name;
    }

    /**
     * Whether the token carries {@code claim}, even as JSON {@code null} (which
     * {@code containsClaim} reports absent). Asked of the claim names first: an implementation may
     * look a name up with {@code Claims.valueOf}, which throws for every custom claim (smallrye-jwt's
     * own principal does; {@link SmallRyeTokenVerifier}'s does not), so an absent custom claim costs
     * no exception on any implementation.
     */
    private static boolean has(JsonWebToken jwt, String claim) {
        Set<String> names = jwt.getClaimNames();
        return names == null ? jwt.containsClaim(claim) : names.contains(claim);
    }

    private static String stringClaim(JsonWebToken jwt, String claim) {
        Object value = jwt.getClaim(claim);
        if (value instanceof JsonString s) {
            return s.getString();
        }
        return value instanceof String s && !s.isBlank() ? s : null;
    }

    private static Set<String> strings(Object claim) {
        Set<String> out = new TreeSet<>();
        if (claim instanceof JsonArray array) {
            for (JsonValue v : array) {
                if (v instanceof JsonString s) {
                    out.add(s.getString());
                }
            }
        } else if (claim instanceof Collection<?> values) {
            values.forEach(v -> out.add(v instanceof JsonString s ? s.getString() : String.valueOf(v)));
        } else if (claim instanceof JsonString s) {
            out.add(s.getString());
        } else if (claim instanceof String s) {
            out.add(s);
        }
        return out;
    }

    private static String firstNonBlank(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        return b == null || b.isBlank() ? null : b;
    }
}
