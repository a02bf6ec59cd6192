package dev.coffer.server.api.json;

import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Provider;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/** Writes the response records of the {@code dev.coffer.server.api} packages with JSON-B; nulls are left out. */
@Provider
@Produces({MediaType.APPLICATION_JSON, "application/problem+json"})
public final class JsonBodyWriter implements MessageBodyWriter<Record> {
    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type.isRecord() && type.getPackageName().startsWith("dev.coffer.server.api");
    }

    @Override
    public void writeTo(Record body, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType,
            MultivaluedMap<String, Object> headers, OutputStream out) {
        StrictJson.jsonb().toJson(body, type, out);
    }
}
