/**
 * Adapters compiled against the optional KMS extensions of Tink, one class per artifact. Not API.
 */
package dev.coffer.tink.internal.kms;
