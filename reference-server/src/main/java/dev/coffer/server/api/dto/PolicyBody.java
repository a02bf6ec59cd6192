package dev.coffer.server.api.dto;

import dev.coffer.spi.access.Effect;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import java.util.List;
import java.util.Locale;

/**
 * A policy, in requests ({@code PUT /v1/policies/{name}}) and responses.
 *
 * @param name the policy name; optional in a request (the path names it), must match when given
 * @param effect {@code allow} or {@code deny}
 * @param principals principal globs
 * @param actions action names
 * @param resources resource patterns
 * @param conditions optional conditions
 */
public record PolicyBody(String name, String effect, List<String> principals, List<String> actions, List<String> resources,
        ConditionsBody conditions) {

    /** The API policy named {@code pathName}. */
    public Policy toPolicy(String pathName) {
        if (name != null && !name.equals(pathName)) {
            throw new InvalidRequestException(ErrorCode.INVALID_POLICY,
                    "the body's 'name' differs from the policy name in the path; leave it out or make them equal");
        }
        Effect parsed = switch (effect == null ? "" : effect.toLowerCase(Locale.ROOT)) {
            case "allow" -> Effect.ALLOW;
            case "deny" -> Effect.DENY;
            default -> throw new InvalidRequestException(ErrorCode.INVALID_POLICY, "effect must be allow or deny");
        };
        return new Policy(pathName, parsed, principals, actions, resources,
                conditions == null ? null : conditions.toConditions());
    }

    /** The body of {@code p}. */
    public static PolicyBody from(Policy p) {
        return new PolicyBody(p.name(), p.effect().name().toLowerCase(Locale.ROOT), p.principals(), p.actions(), p.resources(),
                ConditionsBody.from(p.conditions()));
    }
}
