package dev.coffer.tink;

import java.util.List;
import java.util.Objects;

/**
 * What {@link TenantKeyRotation#rewrap} did. A rewrap is complete when nothing failed: then no
 * stored version depends on a key other than the primary, and the old keys may be disabled.
 *
 * @param tenant the tenant
 * @param primaryKeyId the key the data keys are now wrapped under, {@code tink:<tenant>:<id>}
 * @param versions versions examined
 * @param rewrapped versions whose data key was rewrapped under the primary
 * @param alreadyPrimary versions whose data key already was under the primary
 * @param withoutValue versions that hold no value any more (destroyed, or deleted during the run)
 * @param failures versions whose data key could not be unwrapped, each as {@code tenant:env/path@version: reason};
 *        these fail to open once their key is disabled
 */
public record RewrapReport(String tenant, String primaryKeyId, int versions, int rewrapped, int alreadyPrimary,
        int withoutValue, List<String> failures) {
    public RewrapReport {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(primaryKeyId, "primaryKeyId");
        failures = List.copyOf(failures);
    }

    /** Whether every version with a value is now under the primary key. */
    public boolean complete() {
        return failures.isEmpty();
    }
}
