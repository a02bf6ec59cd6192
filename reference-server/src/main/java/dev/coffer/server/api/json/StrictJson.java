package dev.coffer.server.api.json;

import dev.coffer.spi.internal.Messages;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import jakarta.json.stream.JsonLocation;
import jakarta.json.stream.JsonParsingException;
import jakarta.json.JsonReaderFactory;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads a request body into a record, strictly:
 *
 * <ol>
 *   <li>at most {@value #MAX_BODY_BYTES} bytes are read; more is refused with 413 before parsing;</li>
 *   <li>the bytes must be UTF-8, decoded strictly (a malformed sequence is refused, not replaced);</li>
 *   <li>the text must be one JSON object; a syntax error is reported by line and column only;</li>
 *   <li>the object must keep the {@link JsonShape} limits: nothing after it, bounded nesting and
 *       number length, no duplicate fields, no lone surrogates;</li>
 *   <li>every field must be a component of the record (unknown fields are refused by name), with
 *       the JSON type the component needs; integers must fit the component exactly (no wrap-around);</li>
 *   <li>then JSON-B binds the object.</li>
 * </ol>
 *
 * <p>No message quotes the body: a malformed request may carry a secret value.
 */
public final class StrictJson {
    /**
     * The largest body accepted. A 64 KiB value needs up to 6 bytes per byte when JSON-escaped
     * ({@code \}{@code u0000}), so this leaves room for every legal value while bounding memory.
     */
    public static final int MAX_BODY_BYTES = 512 * 1024;

    private static final Jsonb JSONB = JsonbBuilder.create();
    private static final JsonParserFactory PARSERS = Json.createParserFactory(Map.of());
    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());

    private StrictJson() {}

    /** The shared JSON-B instance (thread-safe). */
    public static Jsonb jsonb() {
        return JSONB;
    }

    /** Reads {@code in} (of declared length {@code contentLength}, or -1) into {@code type}. */
    public static <T extends Record> T read(InputStream in, long contentLength, Class<T> type) throws IOException {
        if (contentLength > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        byte[] body = readLimited(in);
        JsonObject object = parseObject(utf8(body));
        check(object, type, "");
        try {
            return JSONB.fromJson(object.toString(), type);
        } catch (JsonbException e) {
            // Yasson's message may quote the offending value; say which body it was instead.
            throw invalid("request body does not fit " + type.getSimpleName());
        }
    }

    private static byte[] readLimited(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        return body;
    }

    // JSON is UTF-8 (RFC 8259); the library's own decoding would turn malformed bytes into U+FFFD.
    private static String utf8(byte[] body) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        CharBuffer out = CharBuffer.allocate(body.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw invalid("request body is not valid UTF-8 (byte " + (in.position() + 1) + ")");
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    private static JsonObject parseObject(String body) {
        if (body.isEmpty()) {
            throw invalid("request body is empty; a JSON object is required");
        }
        try {
            try (JsonParser parser = PARSERS.createParser(new StringReader(body))) {
                JsonShape.check(parser);
            }
            try (JsonReader reader = READERS.createReader(new StringReader(body))) {
                return reader.readObject();
            }
        } catch (JsonParsingException e) {
            JsonLocation at = e.getLocation();
            throw invalid(at == null ? "request body is not valid JSON"
                    : "request body is not valid JSON (line " + at.getLineNumber() + ", column " + at.getColumnNumber() + ")");
        } catch (JsonException e) {
            throw invalid("request body is not valid JSON");
        }
    }

    // Unknown fields and wrong JSON types, recursively through nested records.
    private static void check(JsonObject object, Class<?> type, String prefix) {
        RecordComponent[] components = type.getRecordComponents();
        Set<String> known = Arrays.stream(components).map(RecordComponent::getName).collect(Collectors.toSet());
        for (String key : object.keySet()) {
            if (!known.contains(key)) {
                throw invalid("unknown field '" + prefix + Messages.printable(key) + "'; expected "
                        + Arrays.stream(components).map(RecordComponent::getName).toList());
            }
        }
        for (RecordComponent c : components) {
            JsonValue value = object.get(c.getName());
            if (value != null && value.getValueType() != JsonValue.ValueType.NULL) {
                checkValue(value, c.getGenericType(), prefix + c.getName());
            }
        }
    }

    private static void checkValue(JsonValue value, Type type, String field) {
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        JsonValue.ValueType actual = value.getValueType();
        if (raw == String.class) {
            require(actual == JsonValue.ValueType.STRING, field, "a string");
        } else if (raw == Integer.class || raw == Long.class) {
            require(actual == JsonValue.ValueType.NUMBER && ((JsonNumber) value).isIntegral(), field, "an integer");
            // Exact: longValue() would wrap 18446744073709551617 around to 1.
            BigDecimal n = ((JsonNumber) value).bigDecimalValue();
            BigDecimal min = BigDecimal.valueOf(raw == Long.class ? Long.MIN_VALUE : Integer.MIN_VALUE);
            BigDecimal max = BigDecimal.valueOf(raw == Long.class ? Long.MAX_VALUE : Integer.MAX_VALUE);
            require(n.compareTo(min) >= 0 && n.compareTo(max) <= 0, field,
                    raw == Long.class ? "an integer of at most 64 bits" : "an integer from " + min + " to " + max);
        } else if (raw == Boolean.class) {
            require(actual == JsonValue.ValueType.TRUE || actual == JsonValue.ValueType.FALSE, field, "true or false");
        } else if (raw == List.class) {
            require(actual == JsonValue.ValueType.ARRAY, field, "an array");
            Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
            JsonArray array = value.asJsonArray();
            for (int i = 0; i < array.size(); i++) {
                checkValue(array.get(i), element, field + "[" + i + "]");
            }
        } else if (raw == Map.class) {
            require(actual == JsonValue.ValueType.OBJECT, field, "an object");
            Type element = ((ParameterizedType) type).getActualTypeArguments()[1];
            value.asJsonObject().forEach((k, v) -> checkValue(v, element, field + "." + Messages.printable(k)));
        } else if (raw.isRecord()) {
            require(actual == JsonValue.ValueType.OBJECT, field, "an object");
            check(value.asJsonObject(), raw, field + ".");
        } else {
            throw new IllegalStateException("no JSON rule for " + raw);
        }
    }

    private static void require(boolean ok, String field, String what) {
        if (!ok) {
            throw invalid("field '" + field + "' must be " + what);
        }
    }

    private static InvalidRequestException invalid(String message) {
        return new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, message);
    }

    private static InvalidRequestException tooLarge() {
        return new InvalidRequestException(ErrorCode.VALUE_TOO_LARGE,
                "request body is larger than " + MAX_BODY_BYTES + " bytes");
    }
}
