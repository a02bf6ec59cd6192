package dev.coffer.server.api.json;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/** Reads the request records of {@code dev.coffer.server.api.dto} through {@link StrictJson}. */
@Provider
@Consumes({MediaType.APPLICATION_JSON, "application/*+json"})
public final class JsonBodyReader implements MessageBodyReader<Record> {
    private static final String DTO_PACKAGE = "dev.coffer.server.api.dto";

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type.isRecord() && type.getPackageName().equals(DTO_PACKAGE);
    }

    @Override
    public Record readFrom(Class<Record> type, Type genericType, Annotation[] annotations, MediaType mediaType,
            MultivaluedMap<String, String> headers, InputStream entityStream) throws IOException {
        return StrictJson.read(entityStream, contentLength(headers), type);
    }

    private static long contentLength(MultivaluedMap<String, String> headers) {
        String value = headers.getFirst(HttpHeaders.CONTENT_LENGTH);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
