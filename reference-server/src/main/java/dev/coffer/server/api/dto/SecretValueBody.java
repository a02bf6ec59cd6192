package dev.coffer.server.api.dto;

import dev.coffer.server.internal.Instants;
import dev.coffer.spi.model.SecretContent;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * {@code GET /v1/secrets/{environment}/{path}}: the one body that carries a value. Text values
 * (valid UTF-8) come as {@code value}, any other bytes as {@code valueBase64}.
 *
 * @param path {@code <environment>/<path>}
 * @param version the version read
 * @param value the value as text, or absent
 * @param valueBase64 the value as base64, or absent
 * @param expiresAt advisory expiry, or absent
 */
public record SecretValueBody(String path, int version, String value, String valueBase64, String expiresAt) {

    /** The body of {@code content}; the caller still closes {@code content}. */
    public static SecretValueBody from(SecretContent content) {
        byte[] bytes = content.value().bytes();
        try {
            String text = utf8(bytes);
            return new SecretValueBody(content.path().qualifiedName(), content.version(),
                    text, text == null ? Base64.getEncoder().encodeToString(bytes) : null, Instants.format(content.expiresAt()));
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "SecretValueBody[path=" + path + ", version=" + version + ", value=redacted]";
    }
}
