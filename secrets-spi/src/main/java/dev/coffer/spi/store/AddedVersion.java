package dev.coffer.spi.store;

import dev.coffer.spi.model.VersionRecord;
import java.util.Optional;

/**
 * What {@link SecretStore#addVersion} did, as its {@link BeforeCommit} hook sees it.
 *
 * @param record the new version
 * @param currentMove the move of {@code current} onto it, when it was added as current
 */
public record AddedVersion(VersionRecord record, Optional<AliasMove> currentMove) {
    public AddedVersion {
        java.util.Objects.requireNonNull(record, "record");
        java.util.Objects.requireNonNull(currentMove, "currentMove");
    }
}
