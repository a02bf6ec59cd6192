package dev.coffer.spi.kernel.internal;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.audit.AuditQuery;
import dev.coffer.spi.internal.AesGcm;
import dev.coffer.spi.internal.PageTokens;
import dev.coffer.spi.model.SecretFilter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;

/**
 * The page tokens callers see. A store's or audit log's own token names a position (for the
 * built-in stores, the last secret's environment and path), so it never leaves the kernel as is:
 * it is encrypted and authenticated with AES-256-GCM under the kernel's page-token key, with the
 * listing it continues (tenant, caller, filter) as associated data. A caller can neither read a
 * name from a token nor forge, alter or carry one to another filter or another caller: each of
 * those fails to open and is refused like any token this kernel did not issue.
 *
 * <p>Format: base64url (unpadded) of {@code 0x01 | nonce (12 bytes) | ciphertext | tag (16 bytes)}.
 */
public final class PageTokenSeal {
    /** Length of a page-token key: AES-256. */
    public static final int KEY_BYTES = AesGcm.KEY_BYTES;
    private static final byte FORMAT = 1;
    private static final String AAD_PREFIX = "coffer/page-token/v1|";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;

    /** A seal under {@code key} ({@value #KEY_BYTES} bytes; copied, so the caller may wipe it). */
    public PageTokenSeal(byte[] key) {
        Objects.requireNonNull(key, "pageTokenKey");
        try {
            this.key = AesGcm.key(key);
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("pageTokenKey must be " + KEY_BYTES + " bytes, got " + key.length);
        }
    }

    /** A fresh random key: tokens sealed under it open only in the kernel holding it. */
    public static byte[] randomKey() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return key;
    }

    /** What a secret listing's token is bound to: tenant, caller and filter. */
    public static String secretListing(AccessContext ctx, SecretFilter filter) {
        return new Binding("secrets").add(ctx.tenant()).add(ctx.principal().id())
                .add(filter.environment()).add(filter.pathPrefix()).addLabels(filter.labels()).text();
    }

    /** What an audit query's token is bound to: tenant, caller and every filter of the query. */
    public static String auditQuery(AccessContext ctx, AuditQuery query) {
        return new Binding("audit").add(ctx.tenant()).add(ctx.principal().id()).add(query.tenant())
                .add(query.environment()).add(query.path()).add(query.principal())
                .add(query.eventType() == null ? null : query.eventType().name())
                .add(query.decision() == null ? null : query.decision().name())
                .add(query.since() == null ? null : query.since().toString())
                .add(query.until() == null ? null : query.until().toString()).text();
    }

    /** The caller's token for the position {@code inner} (a store's own token) in the listing {@code binding}. */
    public String seal(String inner, String binding) {
        try {
            byte[] sealed = AesGcm.encrypt(key, inner.getBytes(StandardCharsets.UTF_8), aad(binding), RANDOM);
            byte[] token = new byte[1 + sealed.length];
            token[0] = FORMAT;
            System.arraycopy(sealed, 0, token, 1, sealed.length);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed on a page token", e);
        }
    }

    /**
     * The store's own token inside {@code token}.
     *
     * @throws dev.coffer.spi.error.InvalidRequestException {@code INVALID_ARGUMENT} for a token that
     *         this kernel did not issue for {@code binding}: malformed, altered, of another listing,
     *         filter or caller, or sealed under another key (another instance, or before a restart)
     */
    public String open(String token, String binding) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw PageTokens.malformed();
        }
        if (bytes.length < 1 + AesGcm.NONCE_BYTES + AesGcm.TAG_BYTES || bytes[0] != FORMAT) {
            throw PageTokens.malformed();
        }
        try {
            byte[] inner = AesGcm.decrypt(key, Arrays.copyOfRange(bytes, 1, bytes.length), aad(binding));
            return new String(inner, StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw PageTokens.malformed();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed on a page token", e);
        }
    }

    private static byte[] aad(String binding) {
        return (AAD_PREFIX + binding).getBytes(StandardCharsets.UTF_8);
    }

    /** Fields joined unambiguously: each as its length and text, {@code -} when absent. */
    private static final class Binding {
        private final StringBuilder text;

        Binding(String kind) {
            text = new StringBuilder(kind);
        }

        Binding add(String field) {
            text.append('|').append(field == null ? "-" : field.length() + ":" + field);
            return this;
        }

        /** Labels in key order, each key and value length-prefixed; nothing at all without labels, as before labels existed. */
        Binding addLabels(java.util.Map<String, String> labels) {
            if (!labels.isEmpty()) {
                Binding inner = new Binding("labels");
                new java.util.TreeMap<>(labels).forEach((key, value) -> inner.add(key).add(value));
                add(inner.text());
            }
            return this;
        }

        String text() {
            return text.toString();
        }
    }
}
