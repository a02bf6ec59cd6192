package dev.coffer.spi.access;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.model.SecretPath;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Who calls: an authenticated identity within one tenant.
 *
 * <p>Ids are {@code <kind>:<name>}, e.g. {@code user:alice} or {@code service:prod:payments-api}.
 * Groups are plain names; policies match them as {@code group:<name>}.
 *
 * @param id principal id, {@code <kind>:<name>}
 * @param tenant the tenant the principal acts in
 * @param groups group names (without the {@code group:} prefix)
 * @param mfa whether the caller authenticated with a second factor
 * @param cluster the cluster the caller runs in (for {@code sourceCluster} conditions), or {@code null}
 */
public record Principal(String id, String tenant, Set<String> groups, boolean mfa, String cluster) {
    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]*:[A-Za-z0-9._@:+/-]{1,200}");

    public Principal {
        if (id == null || !ID.matcher(id).matches()) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT,
                    "principal id must look like <kind>:<name>, e.g. user:alice");
        }
        SecretPath.requireTenant(tenant);
        groups = groups == null ? Set.of() : java.util.Collections.unmodifiableSet(new TreeSet<>(groups));
    }

    /** A principal without groups, mfa or cluster. */
    public static Principal of(String id, String tenant) {
        return new Principal(id, tenant, Set.of(), false, null);
    }

    /** A copy with these groups. */
    public Principal withGroups(String... names) {
        return new Principal(id, tenant, Set.of(names), mfa, cluster);
    }

    /** A copy that authenticated with a second factor (or not). */
    public Principal withMfa(boolean withMfa) {
        return new Principal(id, tenant, groups, withMfa, cluster);
    }

    /** A copy running in {@code clusterName}. */
    public Principal withCluster(String clusterName) {
        return new Principal(id, tenant, groups, mfa, clusterName);
    }

    /** The names policies match against: the id and {@code group:<name>} for each group. */
    public Set<String> policyNames() {
        Set<String> names = new TreeSet<>();
        names.add(id);
        groups.forEach(g -> names.add("group:" + g));
        return names;
    }
}
