package dev.coffer.server.api.dto;

import dev.coffer.spi.model.SecretDetails;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/secrets/{id}}: metadata, versions and aliases, no values.
 *
 * @param secret metadata
 * @param versions every version, oldest first
 * @param aliases alias name → version
 */
public record SecretDetailsBody(SecretBody secret, List<VersionBody> versions, Map<String, Integer> aliases) {
    /** The body of {@code d}. */
    public static SecretDetailsBody from(SecretDetails d) {
        return new SecretDetailsBody(SecretBody.from(d.secret()), d.versions().stream().map(VersionBody::from).toList(),
                d.aliases().byName());
    }
}
