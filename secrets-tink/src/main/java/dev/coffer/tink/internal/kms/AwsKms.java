package dev.coffer.tink.internal.kms;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.integration.awskms.AwsKmsClient;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * The only class that touches {@code tink-awskms}. It is loaded only after
 * {@link dev.coffer.tink.internal.KmsRootKeys} has found that artifact on the class path, so
 * without it nothing here is ever resolved.
 */
public final class AwsKms {
    private AwsKms() {}

    /**
     * The AEAD of the AWS KMS key {@code keyUri}, through a client made for it alone: never added
     * to Tink's global {@code KmsClients}, which would leak this choice to every library in the JVM.
     *
     * @param credentials an AWS credentials properties file, or {@code null} for the default
     *        provider chain (environment, profile, instance role)
     */
    public static Aead aead(String keyUri, Path credentials) throws GeneralSecurityException {
        AwsKmsClient client = new AwsKmsClient(keyUri);
        KmsClient configured = credentials == null
                ? client.withDefaultCredentials()
                : client.withCredentials(credentials.toString());
        return configured.getAead(keyUri);
    }
}
