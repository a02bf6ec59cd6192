package dev.coffer.server.auth;

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
 *   <li>tenant: the {@code tenant} claim; tokens without one act in {@value #DEFAULT_TENANT}, like
 *       Vault's root namespace, so single-tenant installations need no extra claim;</li>
 *   <li>mfa: {@code amr} contains {@code mfa};</li>
 *   <li>cluster: the {@code cluster} claim, for {@code sourceCluster} conditions.</li>
 * </ul>
 */
public final class ClaimMapping {
    /** The tenant of tokens without a {@code tenant} claim. */
    public static final String DEFAULT_TENANT = "default";

    private static final Pattern KIND_PREFIX = Pattern.compile("[a-z][a-z0-9-]*:.+");

    private ClaimMapping() {}

    /**
     * The principal {@code jwt} stands for.
     *
     * @throws TokenRejectedException when the claims do not name a valid principal
     */
    public static Principal principal(JsonWebToken jwt) throws TokenRejectedException {
        String name = firstNonBlank(jwt.getSubject(), stringClaim(jwt, "upn"));
        if (name == null) {
            throw new TokenRejectedException("token has neither sub nor upn");
        }
        String id = principalId(name);
        String tenant = stringClaim(jwt, "tenant");
        try {
            return new Principal(id, tenant == null ? DEFAULT_TENANT : SecretPath.requireTenant(tenant),
                    strings(jwt.getClaim("groups")), strings(jwt.getClaim("amr")).contains("mfa"), stringClaim(jwt, "cluster"));
        } catch (SecretsException e) {
            throw new TokenRejectedException("token claims do not name a valid principal: " + e.getMessage());
        }
    }

    /** {@code name} as a principal id: kept when it has a {@code kind:} prefix, else {@code user:<name>}. */
    public static String principalId(String name) throws TokenRejectedException {
        if (KIND_PREFIX.matcher(name).matches()) {
            if (name.startsWith("group:")) {
                throw new TokenRejectedException("token subject may not be a group");
            }
            return name;
        }
        return "user:" + name;
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
