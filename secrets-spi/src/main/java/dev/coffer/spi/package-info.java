/**
 * Coffer's API: {@link dev.coffer.spi.SecretManager}. Sub-packages hold the model
 * ({@code model}), access control ({@code access}), audit ({@code audit}), the SPIs
 * ({@code store}, {@code crypto}, {@code audit.AuditLog}), the kernel that composes them
 * ({@code kernel}) and in-memory implementations ({@code memory}).
 */
package dev.coffer.spi;
