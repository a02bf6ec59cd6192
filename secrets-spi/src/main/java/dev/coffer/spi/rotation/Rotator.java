package dev.coffer.spi.rotation;

import dev.coffer.spi.model.SecretValue;
import java.util.Map;
import java.util.Set;

/**
 * SPI: makes a system downstream (a database, an API, anything a webhook reaches) accept a new
 * credential, in four steps after AWS Secrets Manager's rotation contract.
 *
 * <p>The engine calls the steps in order and stores the result of each before calling the next,
 * so a step may be called again after a crash or a failure: <strong>every step is idempotent and
 * first checks whether its work is already done</strong>. A step that cannot do its work throws
 * {@link RotationException} with a stable reason code; its message must never hold a value (the
 * TCK's {@code RotatorContract} checks). Rotators are found with {@link java.util.ServiceLoader}
 * under their {@link #name()}; {@link Rotators} holds them.
 *
 * <pre>{@code
 * public final class ApiKeyRotator implements Rotator {
 *     public String name() { return "acme-api-key"; }
 *     public SecretValue create(RotationContext ctx) { return SecretValue.ofUtf8(acme.newKey()); }
 *     public void apply(RotationContext ctx) { }                         // acme.newKey() already did
 *     public void test(RotationContext ctx) { acme.ping(ctx.pendingValue()); }
 *     public void retire(RotationContext ctx, int version, SecretValue old) { acme.revoke(old); }
 * }
 * }</pre>
 */
public interface Rotator {
    /** The name policies refer to: {@code [a-z][a-z0-9-]{0,62}}, unique among the rotators of a process. */
    String name();

    /**
     * Checks a policy's params when the policy is set, so that a mistake is an error then and not
     * at 3 a.m. Throw {@link dev.coffer.spi.error.InvalidRequestException} with
     * {@code INVALID_ROTATION_POLICY}, naming the param.
     */
    default void validate(Map<String, String> params) {
    }

    /**
     * The params whose values name other secrets ({@code environment/path} in the same tenant), such
     * as the admin credential of a database. Whoever sets the policy must be allowed to read them;
     * the engine reads them through the kernel (audited) with {@link RotationContext#referencedSecret}.
     */
    default Set<String> secretParams(Map<String, String> params) {
        return Set.of();
    }

    /**
     * Makes the new value. The engine stores it as a PENDING version with alias {@code next} before
     * anything downstream changes; after a crash it resumes with that stored value, not a new one.
     */
    SecretValue create(RotationContext ctx);

    /** Makes the system downstream accept {@link RotationContext#pendingValue()}; first checks whether it already does. */
    void apply(RotationContext ctx);

    /** Proves the pending value works (logs in with it); throws if it does not. */
    void test(RotationContext ctx);

    /** Runs after {@code current} moved to the new version; the default does nothing. */
    default void finish(RotationContext ctx) {
    }

    /**
     * Runs when the overlap after a promotion ends and version {@code version} (now disabled) is no
     * longer readable as {@code previous}: revoke it downstream if the system allows. The default does
     * nothing. {@link RotationContext#pendingValue()} is not available here.
     */
    default void retire(RotationContext ctx, int version, SecretValue old) {
    }

    /**
     * Undoes {@link #apply} when a run ends without promotion (a test-only run, a cancel, a final
     * failure) so that the current value keeps working downstream; the default does nothing, which is
     * right for rotators whose {@code apply} leaves the current credential valid.
     */
    default void discard(RotationContext ctx) {
    }
}
