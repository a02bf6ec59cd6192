package dev.coffer.tink.internal;

import com.google.crypto.tink.Aead;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.tink.root.RootKey;
import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * A {@link RootKey} over a Tink {@link Aead}: a local keyset's, or a KMS client's.
 *
 * <p>A local AEAD fails only on bytes that do not authenticate, so its failures stay
 * {@link GeneralSecurityException}. A KMS AEAD fails the same way for an outage, a denied call
 * and foreign bytes, and the cloud SDKs throw unchecked exceptions for network errors; all of
 * those become {@code KEY_UNAVAILABLE}, which is what the caller can act on (retry, check the
 * KMS), with the SDK's exception attached — KMS errors name keys and requests, never plaintext.
 */
public final class AeadRootKey implements RootKey {
    private final String uri;
    private final Aead aead;
    private final boolean remote;

    private AeadRootKey(String uri, Aead aead, boolean remote) {
        this.uri = Objects.requireNonNull(uri, "uri");
        this.aead = Objects.requireNonNull(aead, "aead");
        this.remote = remote;
    }

    /** A root key computed in this process (local keyset file, ephemeral keyset). */
    public static RootKey local(String uri, Aead aead) {
        return new AeadRootKey(uri, aead, false);
    }

    /** A root key held by a KMS; every call is a network call. */
    public static RootKey remote(String uri, Aead aead) {
        return new AeadRootKey(uri, aead, true);
    }

    @Override
    public String uri() {
        return uri;
    }

    @Override
    public byte[] wrap(byte[] plaintext, byte[] associatedData) {
        try {
            return aead.encrypt(plaintext, associatedData);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new UnavailableException(ErrorCode.KEY_UNAVAILABLE,
                    "the root key " + uri + " could not wrap a tenant keyset", e);
        }
    }

    @Override
    public byte[] unwrap(byte[] wrapped, byte[] associatedData) throws GeneralSecurityException {
        if (!remote) {
            return aead.decrypt(wrapped, associatedData);
        }
        try {
            return aead.decrypt(wrapped, associatedData);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new UnavailableException(ErrorCode.KEY_UNAVAILABLE, "the root key " + uri
                    + " could not unwrap a tenant keyset: the KMS is unreachable, refused the call,"
                    + " or the keyset was wrapped by another root key", e);
        }
    }

    @Override
    public String toString() {
        return "RootKey[" + uri + "]";
    }
}
