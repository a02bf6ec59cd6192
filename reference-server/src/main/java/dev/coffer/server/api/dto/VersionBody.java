package dev.coffer.server.api.dto;

import dev.coffer.server.internal.Instants;
import dev.coffer.spi.model.SecretVersion;

/**
 * A version (never its value).
 *
 * @param version number
 * @param status derived status: CURRENT, PREVIOUS, PENDING, DISABLED, DESTROYED
 * @param state stored state: ENABLED, DISABLED, DESTROYED
 * @param createdBy principal that added it
 * @param createdAt when
 * @param expiresAt advisory expiry, or absent
 * @param keyId the key that wrapped its data key
 */
public record VersionBody(int version, String status, String state, String createdBy, String createdAt, String expiresAt,
        String keyId) {

    /** The body of {@code v}. */
    public static VersionBody from(SecretVersion v) {
        return new VersionBody(v.number(), v.status().name(), v.state().name(), v.createdBy(), Instants.format(v.createdAt()),
                Instants.format(v.expiresAt()), v.keyId());
    }
}
