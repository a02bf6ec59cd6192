package dev.coffer.tink.root;

import java.security.GeneralSecurityException;

/**
 * The root key-encryption key: the top of the hierarchy, which wraps each tenant's keyset. It is
 * asked once per tenant when the tenant's key is created, and once per tenant per cache TTL to
 * unwrap it — never per secret — so a remote KMS is affordable here.
 *
 * <p>Made from a key URI by {@link RootKeys#fromUri(String)}:
 * <pre>{@code
 * RootKey root = RootKeys.fromUri("local-keyset:/var/lib/coffer/root-keyset.json");
 * RootKey kms = RootKeys.fromUri("aws-kms://arn:aws:kms:eu-west-1:111122223333:key/1234abcd-...");
 * }</pre>
 *
 * <p>Implementations are thread-safe. Decorating one (to count or time calls) is fine: the
 * envelope only ever calls these three methods.
 */
public interface RootKey {
    /**
     * Where the key lives, for messages and bookkeeping, e.g.
     * {@code local-keyset:/var/lib/coffer/root-keyset.json}. Never contains key material or credentials.
     */
    String uri();

    /**
     * Encrypts {@code plaintext} (a serialized tenant keyset) bound to {@code associatedData}.
     *
     * @throws dev.coffer.spi.error.UnavailableException {@code KEY_UNAVAILABLE} when the key
     *         service cannot be reached or refuses the call
     */
    byte[] wrap(byte[] plaintext, byte[] associatedData);

    /**
     * Decrypts what {@link #wrap} produced for the same {@code associatedData}. The caller owns
     * the returned array and wipes it.
     *
     * @throws GeneralSecurityException when the bytes do not open under this key: altered,
     *         wrapped for other associated data, or wrapped by another root key
     * @throws dev.coffer.spi.error.UnavailableException {@code KEY_UNAVAILABLE} when the key
     *         service cannot be reached or refuses the call (a remote KMS reports bytes it cannot
     *         open the same way, so for a KMS root both cases arrive as this)
     */
    byte[] unwrap(byte[] wrapped, byte[] associatedData) throws GeneralSecurityException;
}
