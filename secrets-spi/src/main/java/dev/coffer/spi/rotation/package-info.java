/**
 * Rotation: the policy a secret rotates by, the durable run that carries one rotation through its
 * steps, and the {@link dev.coffer.spi.rotation.Rotator} SPI that makes a system downstream accept a
 * new credential.
 *
 * <p>A run goes {@code STARTED → CREATED → APPLIED → TESTED → (CANARY) → PROMOTED → FINISHED}; it
 * ends {@code FAILED} after its bounded retries, {@code ABANDONED} when someone else moved
 * {@code current} meanwhile, {@code CANCELLED} on request, or {@code DISCARDED} when it only tested.
 * The pending value is stored as a PENDING version with alias {@code next} before any system
 * downstream is touched, so a run interrupted at any point resumes with the same value.
 *
 * <pre>{@code
 * RotationPolicy policy = RotationPolicy.builder("generated", RotationSchedule.parse("30d"))
 *         .overlap(Duration.ofHours(24))
 *         .param("length", "32")
 *         .build();
 * rotations.setPolicy(ctx, SecretRef.id(secretId), policy);
 * rotations.rotateNow(ctx, SecretRef.id(secretId), false);    // or wait for the schedule
 * }</pre>
 */
package dev.coffer.spi.rotation;
