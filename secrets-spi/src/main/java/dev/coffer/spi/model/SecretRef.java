package dev.coffer.spi.model;

import java.util.Objects;

/**
 * Names the secret an operation acts on: by its id ({@code sec_...}) or by its path
 * ({@code <environment>/<path>} in a tenant). Every by-id operation of
 * {@link dev.coffer.spi.SecretManager} also takes a reference, so a caller who knows a secret by
 * name acts on it in one call, without describing it first (which would write a
 * {@code SECRET_DESCRIBE} audit event the caller never asked for).
 *
 * <p>By path, the manager authorizes on the path before it looks anything up, as
 * {@code describe} and {@code read} by path do: a caller without rights on the path gets the same
 * {@code ACCESS_DENIED} whether a secret exists there or not. By id, an unknown id is
 * {@code SECRET_NOT_FOUND}. A secret id has at most 64 characters (the kernel's own are 30,
 * {@code sec_} and 26 base32 characters): a {@code null} or blank id, or one longer than 64
 * characters, is refused with {@code INVALID_ARGUMENT} before anything is looked up; any other
 * that names no secret of the caller's tenant is {@code SECRET_NOT_FOUND}.
 *
 * <pre>{@code
 * manager.disable(ctx, SecretRef.path(SecretPath.parse("acme", "prod/payments/db")), 3);
 * manager.disable(ctx, SecretRef.id("sec_4f2a..."), 3);
 * }</pre>
 */
public sealed interface SecretRef permits SecretRef.ById, SecretRef.ByPath {
    /** A reference by id. The id is checked by the manager (which audits a malformed one), not here. */
    static SecretRef id(String secretId) {
        return new ById(secretId);
    }

    /** A reference by path. */
    static SecretRef path(SecretPath path) {
        return new ByPath(path);
    }

    /**
     * A secret named by its id.
     *
     * @param secretId {@code sec_...}, at most 64 characters; may be malformed or {@code null}: the manager refuses a
     *        {@code null}, blank or longer id with {@code INVALID_ARGUMENT}
     */
    record ById(String secretId) implements SecretRef {
        @Override
        public String toString() {
            return "SecretRef[" + secretId + "]";
        }
    }

    /**
     * A secret named by its path.
     *
     * @param path tenant, environment and path
     */
    record ByPath(SecretPath path) implements SecretRef {
        public ByPath {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String toString() {
            return "SecretRef[" + path.qualifiedName() + "]";
        }
    }
}
