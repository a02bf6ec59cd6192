package dev.coffer.tink.internal.kms;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.integration.gcpkms.GcpKmsClient;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * The only class that touches {@code tink-gcpkms}. It is loaded only after
 * {@link dev.coffer.tink.internal.KmsRootKeys} has found that artifact on the class path, so
 * without it nothing here is ever resolved.
 */
public final class GcpKms {
    private GcpKms() {}

    /**
     * The AEAD of the Cloud KMS key {@code keyUri}, through a client made for it alone: never added
     * to Tink's global {@code KmsClients}, which would leak this choice to every library in the JVM.
     *
     * @param credentials a service-account JSON file, or {@code null} for Application Default Credentials
     */
    public static Aead aead(String keyUri, Path credentials) throws GeneralSecurityException {
        GcpKmsClient client = new GcpKmsClient(keyUri);
        KmsClient configured = credentials == null
                ? client.withDefaultCredentials()
                : client.withCredentials(credentials.toString());
        return configured.getAead(keyUri);
    }
}
