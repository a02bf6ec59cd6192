package dev.coffer.server.standalone;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The RSA key pair that signs and verifies the standalone server's tokens, kept as PEM files in
 * the data directory. Created on first start, reused afterwards.
 *
 * @param privateKey signs (only {@code serve}'s bootstrap and {@code token mint} use it)
 * @param publicKey verifies
 */
public record SigningKeys(PrivateKey privateKey, PublicKey publicKey) {
    private static final int RSA_BITS = 2048;

    /** The pair in {@code data}, created when missing. */
    public static SigningKeys loadOrCreate(DataDir data) {
        if (data.has(DataDir.SIGNING_KEY) && data.has(DataDir.PUBLIC_KEY)) {
            return load(data);
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(RSA_BITS);
            KeyPair pair = generator.generateKeyPair();
            data.writeNew(DataDir.SIGNING_KEY, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            data.writeNew(DataDir.PUBLIC_KEY, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            return new SigningKeys(pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA key generation is not available", e);
        }
    }

    /** The pair in {@code data}. */
    public static SigningKeys load(DataDir data) {
        try {
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            PrivateKey privateKey = rsa.generatePrivate(new PKCS8EncodedKeySpec(der(data.read(DataDir.SIGNING_KEY))));
            PublicKey publicKey = rsa.generatePublic(new X509EncodedKeySpec(der(data.read(DataDir.PUBLIC_KEY))));
            return new SigningKeys(privateKey, publicKey);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("the token keys in " + data.root() + " are not readable RSA PEM files");
        }
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
