package dev.coffer.spi.model;

import java.util.List;

/**
 * A secret's metadata with its versions and aliases; no values.
 *
 * @param secret metadata
 * @param versions every version, oldest first, with derived statuses
 * @param aliases alias name → version
 */
public record SecretDetails(Secret secret, List<SecretVersion> versions, Aliases aliases) {
    public SecretDetails {
        Fields.required(secret, "secret");
        versions = List.copyOf(versions);
        Fields.required(aliases, "aliases");
    }
}
