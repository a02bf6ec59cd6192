package dev.coffer.tink.internal;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.Configuration;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig2026;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.subtle.Random;
import com.google.crypto.tink.util.SecretBytes;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The few Tink calls this module makes, in one place, all through one {@link Configuration}.
 *
 * <p>The configuration is {@link AeadConfig2026}: it carries its own AEAD key managers, so nothing
 * here registers anything in Tink's global registry (no {@code AeadConfig.register()}, no
 * {@code KmsClients.add}) and two libraries in one JVM cannot change each other's Tink setup.
 * The flip side is that Tink calls without a {@code Configuration} argument (which fall back to
 * the global registry, and are deprecated for that reason) do not work on our handles — not even
 * {@code KeysetHandle.toString()}. Nothing in this module calls them.
 */
public final class TinkKeys {
    /** Bytes of an AES-256 key. */
    public static final int DATA_KEY_BYTES = 32;
    /** Tink's output prefix for {@code TINK} keys: one version byte {@code 0x01} and a 4-byte key id. */
    static final int TINK_PREFIX_BYTES = 5;
    private static final byte TINK_PREFIX_VERSION = 0x01;

    private static final Configuration CONFIGURATION = AeadConfig2026.get();
    // Data keys are used once, by one AEAD, and travel wrapped beside their ciphertext: no key id
    // prefix is needed to find them, so none is spent.
    private static final AesGcmParameters DATA_KEY_PARAMETERS = dataKeyParameters();

    private TinkKeys() {}

    /** The configuration every Tink call in this module goes through. */
    public static Configuration configuration() {
        return CONFIGURATION;
    }

    /** A keyset of one fresh AES256-GCM key (Tink output prefix, random id), primary and enabled. */
    public static KeysetHandle newAes256GcmKeyset() throws GeneralSecurityException {
        return KeysetHandle.newBuilder()
                .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                        .withRandomId()
                        .makePrimary())
                .setConfiguration(CONFIGURATION)
                .build();
    }

    /** The keyset's AEAD: encrypts under the primary, decrypts under any enabled key. */
    public static Aead aead(KeysetHandle handle) throws GeneralSecurityException {
        return handle.getPrimitive(CONFIGURATION, Aead.class);
    }

    /** The keyset in Tink's binary format, with its key material in the clear: wrap it, then wipe it. */
    public static byte[] serialize(KeysetHandle handle) throws GeneralSecurityException {
        return TinkProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get(), CONFIGURATION);
    }

    /** Parses Tink's binary format; the caller wipes {@code serialized} afterwards. */
    public static KeysetHandle parse(byte[] serialized) throws GeneralSecurityException {
        return TinkProtoKeysetFormat.parseKeyset(serialized, InsecureSecretKeyAccess.get(), CONFIGURATION);
    }

    /** The keyset in Tink's JSON format, key material in the clear (the local root keyset file). */
    public static String serializeJson(KeysetHandle handle) throws GeneralSecurityException {
        return TinkJsonProtoKeysetFormat.serializeKeyset(handle, CONFIGURATION, InsecureSecretKeyAccess.get());
    }

    /** Parses Tink's JSON format. */
    public static KeysetHandle parseJson(String json) throws GeneralSecurityException {
        return TinkJsonProtoKeysetFormat.parseKeyset(json, CONFIGURATION, InsecureSecretKeyAccess.get());
    }

    /** A fresh random data key; the caller wipes it. */
    public static byte[] newDataKey() {
        return Random.randBytes(DATA_KEY_BYTES);
    }

    /**
     * AES256-GCM under {@code dataKey} (12-byte random nonce, 16-byte tag, no prefix). The caller
     * may wipe {@code dataKey} right after: Tink keeps its own copy in {@link SecretBytes}, which
     * Tink's API offers no way to wipe — it goes with the garbage collector, like the JDK's own
     * key objects.
     */
    public static Aead dataKeyAead(byte[] dataKey) throws GeneralSecurityException {
        AesGcmKey key = AesGcmKey.builder()
                .setParameters(DATA_KEY_PARAMETERS)
                .setKeyBytes(SecretBytes.copyFrom(dataKey, InsecureSecretKeyAccess.get()))
                .build();
        // The direct key-to-primitive path: a keyset handle per data key would cost a handle, a
        // primitive wrapper and a prefix lookup on every seal and open, for a key used once.
        return AesGcmJce.create(key);
    }

    /**
     * The id of the key that made {@code ciphertext}, read from Tink's output prefix, or
     * {@code null} when the bytes are too short or do not start with a Tink prefix.
     */
    public static Integer prefixKeyId(byte[] ciphertext) {
        if (ciphertext.length < TINK_PREFIX_BYTES || ciphertext[0] != TINK_PREFIX_VERSION) {
            return null;
        }
        return ((ciphertext[1] & 0xff) << 24) | ((ciphertext[2] & 0xff) << 16)
                | ((ciphertext[3] & 0xff) << 8) | (ciphertext[4] & 0xff);
    }

    /** Tink key ids are 32-bit and shown unsigned, as Tink's own tools show them. */
    public static String showKeyId(int keyId) {
        return Integer.toUnsignedString(keyId);
    }

    /** Overwrites {@code bytes} with zeros; tolerates {@code null}. */
    public static void wipe(byte[] bytes) {
        if (bytes != null) {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static AesGcmParameters dataKeyParameters() {
        try {
            return AesGcmParameters.builder()
                    .setKeySizeBytes(DATA_KEY_BYTES)
                    .setIvSizeBytes(12)
                    .setTagSizeBytes(16)
                    .setVariant(AesGcmParameters.Variant.NO_PREFIX)
                    .build();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
