/**
 * The exceptions of Coffer: one unchecked root, {@link dev.coffer.spi.error.SecretsException},
 * with a subclass per kind of failure and a stable {@link dev.coffer.spi.error.ErrorCode}.
 * Messages never contain a secret value.
 */
package dev.coffer.spi.error;
