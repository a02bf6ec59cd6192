package dev.coffer.spi.rotation;

import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretValue;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a {@link Rotator} step gets from the engine. Values are read through the kernel as the
 * rotation engine ({@code service:coffer:rotation}), each read audited, and are owned by the
 * context: the engine wipes them after the step, so a rotator must not keep or close them.
 */
public interface RotationContext {
    /** The secret being rotated (metadata only). */
    Secret secret();

    /** Its rotation policy. */
    RotationPolicy policy();

    /** The run this step belongs to. */
    RotationRun run();

    /** The version {@code current} pointed at when the run opened. */
    OptionalInt currentVersion();

    /** The value of {@link #currentVersion()}, if there is one and it is readable. */
    Optional<SecretValue> currentValue();

    /** The value of the version {@code previous} points at, if readable (to recover a half-applied earlier rotation). */
    Optional<SecretValue> previousValue();

    /**
     * The pending value (the one this run created).
     *
     * @throws IllegalStateException in {@code create} and {@code retire}, where there is none
     */
    SecretValue pendingValue();

    /**
     * The current value of the secret a {@linkplain Rotator#secretParams secret param} names.
     *
     * @throws dev.coffer.spi.error.InvalidRequestException if {@code param} is not one of the rotator's secret params
     * @throws dev.coffer.spi.error.SecretsException as the kernel's read does (not found, disabled, ...)
     */
    SecretValue referencedSecret(String param);

    /** The engine's clock. */
    Instant now();
}
