/**
 * The domain model: paths, secret metadata, versions with derived statuses, aliases, and
 * {@link dev.coffer.spi.model.SecretValue}, the only type that holds plaintext. Every record
 * validates in its constructor, so an instance is always valid.
 */
package dev.coffer.spi.model;
