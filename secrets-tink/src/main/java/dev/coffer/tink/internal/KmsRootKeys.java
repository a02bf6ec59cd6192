package dev.coffer.tink.internal;

import com.google.crypto.tink.Aead;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.tink.internal.kms.AwsKms;
import dev.coffer.tink.internal.kms.GcpKms;
import dev.coffer.tink.root.RootKey;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Locale;

/**
 * Root keys in a cloud KMS, reached through Tink's optional KMS extensions. Each scheme names the
 * artifact it needs; when that artifact is missing the caller learns which one to add instead of
 * meeting a {@code NoClassDefFoundError} at the first decryption.
 */
public final class KmsRootKeys {
    /** The KMS schemes this module routes, with what each needs on the class path. */
    public enum Kms {
        /** AWS KMS: {@code aws-kms://arn:aws:kms:<region>:<account>:key/<id>}. */
        AWS("aws-kms://", "com.google.crypto.tink:tink-awskms", "1.11.0",
                "com.google.crypto.tink.integration.awskms.AwsKmsClient"),
        /** Google Cloud KMS: {@code gcp-kms://projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>}. */
        GCP("gcp-kms://", "com.google.crypto.tink:tink-gcpkms", "1.10.0",
                "com.google.crypto.tink.integration.gcpkms.GcpKmsClient");

        private final String scheme;
        private final String artifact;
        private final String testedVersion;
        private final String clientClass;

        Kms(String scheme, String artifact, String testedVersion, String clientClass) {
            this.scheme = scheme;
            this.artifact = artifact;
            this.testedVersion = testedVersion;
            this.clientClass = clientClass;
        }

        /** The URI prefix, e.g. {@code aws-kms://}. */
        public String scheme() {
            return scheme;
        }

        /** The Maven coordinates (without version) of the artifact this scheme needs. */
        public String artifact() {
            return artifact;
        }

        /** The KMS whose scheme starts {@code uri}, or {@code null}. */
        public static Kms of(String uri) {
            String lower = uri.toLowerCase(Locale.ROOT);
            for (Kms kms : values()) {
                if (lower.startsWith(kms.scheme)) {
                    return kms;
                }
            }
            return null;
        }
    }

    private KmsRootKeys() {}

    /**
     * The root key {@code uri} in {@code kms}, with a client made for it alone.
     *
     * @param credentials a credentials file for the KMS client, or {@code null} for the SDK's defaults
     * @param loader where to look for the KMS artifact (the class loader of this module, except in tests)
     * @throws UnavailableException {@code KEY_UNAVAILABLE} when the artifact is missing or the
     *         client cannot be set up (no credentials found, unreadable credentials file)
     */
    public static RootKey open(Kms kms, String uri, Path credentials, ClassLoader loader) {
        if (!present(kms.clientClass, loader)) {
            throw new UnavailableException(ErrorCode.KEY_UNAVAILABLE, "the key URI " + uri + " needs "
                    + kms.artifact + " on the class path (tested with " + kms.artifact + ":" + kms.testedVersion
                    + "); add it as a dependency next to dev.coffer:secrets-tink, which declares it optional");
        }
        Aead aead;
        try {
            aead = switch (kms) {
                case AWS -> AwsKms.aead(uri, credentials);
                case GCP -> GcpKms.aead(uri, credentials);
            };
        } catch (GeneralSecurityException e) {
            throw new UnavailableException(ErrorCode.KEY_UNAVAILABLE, "cannot set up the " + kms.scheme
                    + " client for " + uri + (credentials == null ? " with default credentials" : " with credentials " + credentials)
                    + ": " + e.getMessage(), e);
        }
        return AeadRootKey.remote(uri, aead);
    }

    private static boolean present(String className, ClassLoader loader) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
