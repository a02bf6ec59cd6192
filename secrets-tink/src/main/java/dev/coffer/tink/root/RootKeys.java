package dev.coffer.tink.root;

import com.google.crypto.tink.KeysetHandle;
import dev.coffer.tink.internal.AeadRootKey;
import dev.coffer.tink.internal.KmsRootKeys;
import dev.coffer.tink.internal.LocalKeysetFile;
import dev.coffer.tink.internal.TinkKeys;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Objects;
import java.util.UUID;

/**
 * Makes {@link RootKey}s from key URIs.
 *
 * <table>
 *   <caption>Key URIs</caption>
 *   <tr><th>URI</th><th>root key</th><th>needs</th></tr>
 *   <tr><td>{@code local-keyset:<file>}</td><td>a Tink JSON keyset in {@code file}, generated on
 *       first use with mode 0600 — the embedded default; the key sits on disk in the clear</td>
 *       <td>nothing</td></tr>
 *   <tr><td>{@code aws-kms://arn:aws:kms:<region>:<account>:key/<id>}</td><td>an AWS KMS key</td>
 *       <td>{@code com.google.crypto.tink:tink-awskms}</td></tr>
 *   <tr><td>{@code gcp-kms://projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>}</td>
 *       <td>a Google Cloud KMS key</td><td>{@code com.google.crypto.tink:tink-gcpkms}</td></tr>
 * </table>
 *
 * <pre>{@code
 * RootKey root = RootKeys.fromUri("local-keyset:./coffer-data/root-keyset.json");
 * }</pre>
 *
 * <p>KMS clients are made for their one key and never registered in Tink's global
 * {@code KmsClients}, so nothing here changes how other code in the JVM uses Tink.
 */
public final class RootKeys {
    private RootKeys() {}

    /**
     * The root key at {@code uri}; KMS clients use their SDK's default credentials.
     *
     * @throws IllegalArgumentException for a URI of no supported scheme
     * @throws dev.coffer.spi.error.UnavailableException {@code KEY_UNAVAILABLE} when the key file
     *         cannot be created, read or trusted, or a KMS artifact or its credentials are missing
     */
    public static RootKey fromUri(String uri) {
        return fromUri(uri, null);
    }

    /**
     * The root key at {@code uri}, a KMS client authenticating with {@code credentials}: an AWS
     * credentials properties file or a Google service-account JSON file. {@code null} means the
     * SDK's defaults; a local keyset takes none.
     *
     * @throws IllegalArgumentException for a URI of no supported scheme, or credentials for a local keyset
     * @throws dev.coffer.spi.error.UnavailableException as {@link #fromUri(String)}
     */
    public static RootKey fromUri(String uri, Path credentials) {
        return fromUri(uri, credentials, RootKeys.class.getClassLoader());
    }

    // The class loader is a parameter so tests can hide a KMS artifact that is on their class path.
    static RootKey fromUri(String uri, Path credentials, ClassLoader loader) {
        Objects.requireNonNull(uri, "uri");
        if (uri.startsWith(LocalKeysetFile.SCHEME)) {
            if (credentials != null) {
                throw new IllegalArgumentException("a local-keyset: root key takes no credentials file");
            }
            String file = uri.substring(LocalKeysetFile.SCHEME.length());
            if (file.isBlank()) {
                throw new IllegalArgumentException("the key URI " + uri + " names no file; write local-keyset:<file>");
            }
            return localKeyset(Path.of(file));
        }
        KmsRootKeys.Kms kms = KmsRootKeys.Kms.of(uri);
        if (kms == null) {
            throw new IllegalArgumentException("unsupported key URI '" + uri
                    + "'; use local-keyset:<file>, aws-kms://<key arn> or gcp-kms://<key resource name>");
        }
        return KmsRootKeys.open(kms, uri, credentials, loader);
    }

    /** The root key in the Tink JSON keyset {@code file}, generated on first use; see {@link #fromUri(String)}. */
    public static RootKey localKeyset(Path file) {
        return LocalKeysetFile.openOrCreate(Objects.requireNonNull(file, "file"));
    }

    /**
     * A root key that lives only in this JVM: whatever it wraps is lost when the process ends.
     * For tests, benchmarks and demos.
     */
    public static RootKey ephemeral() {
        try {
            KeysetHandle keyset = TinkKeys.newAes256GcmKeyset();
            return AeadRootKey.local("ephemeral:" + UUID.randomUUID(), TinkKeys.aead(keyset));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink could not generate an AES256-GCM keyset", e);
        }
    }
}
