package dev.coffer.spi.internal;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM from the JDK, in one layout: {@code nonce (12 bytes) || ciphertext || tag (16 bytes)}.
 * Every encryption draws a fresh random nonce, so one key may encrypt many messages. Used by the
 * in-memory envelope and by the kernel's page tokens.
 */
public final class AesGcm {
    public static final int KEY_BYTES = 32;
    public static final int NONCE_BYTES = 12;
    public static final int TAG_BYTES = 16;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private AesGcm() {}

    /**
     * An AES-256 key holding a copy of {@code raw}; the caller wipes {@code raw}. (The JDK keeps
     * its own copy, which cannot be wiped: the price of using the platform's primitive.)
     */
    public static SecretKey key(byte[] raw) throws InvalidKeyException {
        if (raw.length != KEY_BYTES) {
            throw new InvalidKeyException("AES-256 keys are " + KEY_BYTES + " bytes");
        }
        return new SecretKeySpec(raw, "AES");
    }

    public static byte[] encrypt(SecretKey key, byte[] plaintext, byte[] aad, SecureRandom random) throws GeneralSecurityException {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        Cipher cipher = Cipher.getInstance(TRANSFORMATION);
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
        cipher.updateAAD(aad);
        byte[] out = new byte[NONCE_BYTES + cipher.getOutputSize(plaintext.length)];
        System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
        int written = cipher.doFinal(plaintext, 0, plaintext.length, out, NONCE_BYTES);
        if (written != out.length - NONCE_BYTES) {
            throw new GeneralSecurityException("AES-GCM wrote an unexpected length");
        }
        return out;
    }

    /**
     * Decrypts and authenticates; the caller owns (and wipes) the returned plaintext.
     *
     * @throws javax.crypto.AEADBadTagException when the bytes, key or associated data do not match
     */
    public static byte[] decrypt(SecretKey key, byte[] sealed, byte[] aad) throws GeneralSecurityException {
        if (sealed.length < NONCE_BYTES + TAG_BYTES) {
            throw new GeneralSecurityException("sealed bytes are shorter than nonce and tag");
        }
        Cipher cipher = Cipher.getInstance(TRANSFORMATION);
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, sealed, 0, NONCE_BYTES));
        cipher.updateAAD(aad);
        return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
    }
}
