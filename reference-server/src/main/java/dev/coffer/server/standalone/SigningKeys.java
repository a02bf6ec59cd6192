package dev.coffer.server.standalone;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The RSA key pair that signs and verifies the standalone server's tokens, kept as PEM files in
 * the data directory. Created on first start, reused afterwards; both files fall under the data
 * directory's rule (created {@code 0600}, refused when open to group or others: whoever can
 * replace the public key can forge tokens, whoever can read the private key can mint them).
 *
 * @param privateKey signs (only {@code serve}'s bootstrap and {@code token mint} use it)
 * @param publicKey verifies
 */
public record SigningKeys(PrivateKey privateKey, PublicKey publicKey) {
    private static final int RSA_BITS = 2048;

    /**
     * The pair in {@code data}, created when missing. Each file is published whole and
     * first-writer-wins; a public key that is missing is derived from the private key, so the two
     * always match.
     */
    public static SigningKeys loadOrCreate(DataDir data) {
        try {
            if (!data.has(DataDir.SIGNING_KEY)) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(RSA_BITS);
                data.createOnce(DataDir.SIGNING_KEY, pem("PRIVATE KEY", generator.generateKeyPair().getPrivate().getEncoded()));
            }
            if (!data.has(DataDir.PUBLIC_KEY)) {
                PrivateKey privateKey = privateKey(data);
                if (!(privateKey instanceof RSAPrivateCrtKey crt)) {
                    throw new IllegalStateException("the token signing key in " + data.root() + " is not a complete RSA key");
                }
                PublicKey derived = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
                data.createOnce(DataDir.PUBLIC_KEY, pem("PUBLIC KEY", derived.getEncoded()));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA key generation is not available", e);
        }
        return load(data);
    }

    /** The pair in {@code data}; refused if a file is open to group or others. */
    public static SigningKeys load(DataDir data) {
        PrivateKey privateKey = privateKey(data);
        String publicPem = data.readPrivate(DataDir.PUBLIC_KEY);
        try {
            PublicKey publicKey = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der(publicPem)));
            return new SigningKeys(privateKey, publicKey);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw unreadable(data);
        }
    }

    private static PrivateKey privateKey(DataDir data) {
        String privatePem = data.readPrivate(DataDir.SIGNING_KEY);
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der(privatePem)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw unreadable(data);
        }
    }

    private static IllegalStateException unreadable(DataDir data) {
        return new IllegalStateException("the token keys in " + data.root() + " are not readable RSA PEM files");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] der(String pem) {
        return Base64.getMimeDecoder().decode(pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", ""));
    }

    @Override
    public String toString() {
        return "SigningKeys[RSA]";
    }
}
