package dev.coffer.server.api.dto;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import java.util.OptionalInt;

/**
 * {@code POST /v1/secrets/{id}/aliases/{alias}}: a compare-and-set move.
 *
 * @param version the version the alias should point at
 * @param expectedPreviousVersion where the alias points now; absent or {@code null} means "not set"
 */
public record MoveAliasRequest(Integer version, Integer expectedPreviousVersion) {

    /** The target version. */
    public int target() {
        if (version == null) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "field 'version' is required");
        }
        return version;
    }

    /** The CAS expectation. */
    public OptionalInt expected() {
        return expectedPreviousVersion == null ? OptionalInt.empty() : OptionalInt.of(expectedPreviousVersion);
    }
}
