/**
 * Root key-encryption keys: {@link dev.coffer.tink.root.RootKey} and the factory that makes one from
 * a key URI ({@code local-keyset:}, {@code aws-kms://}, {@code gcp-kms://}),
 * {@link dev.coffer.tink.root.RootKeys}.
 */
package dev.coffer.tink.root;
