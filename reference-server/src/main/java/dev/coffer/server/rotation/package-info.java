/**
 * The {@code webhook} rotator: the four rotation steps (and {@code retire}, {@code discard}) as
 * signed HTTP {@code POST}s, so that a receiver written in any language can rotate anything.
 *
 * <p>{@link dev.coffer.server.rotation.WebhookRotator} is found by {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.coffer.spi.rotation.Rotator}); {@link
 * dev.coffer.server.rotation.WebhookParams} validates a policy's params, {@link
 * dev.coffer.server.rotation.WebhookBody} writes the JSON a step sends, {@link
 * dev.coffer.server.rotation.WebhookSignature} signs it, and {@link
 * dev.coffer.server.rotation.WebhookCall} sends it and turns the answer into a result or a
 * {@link dev.coffer.spi.rotation.RotationException}. The contract a receiver implements is in
 * {@code docs/rotation.md}, "The webhook contract". No class here puts a value in a message or a log.
 */
package dev.coffer.server.rotation;
