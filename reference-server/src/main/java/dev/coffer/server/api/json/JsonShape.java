package dev.coffer.server.api.json;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.internal.Messages;
import dev.coffer.spi.internal.PlainText;
import jakarta.json.stream.JsonLocation;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * The limits a request body keeps beyond JSON syntax, checked on the parser's events before a
 * tree is built, so that a hostile body fails with a precise 400 instead of an exception deep in
 * the JSON library (whose own limits throw untyped exceptions and differ between runtimes):
 *
 * <ul>
 *   <li>one object, and nothing after it but whitespace;</li>
 *   <li>objects and arrays nested at most {@value #MAX_DEPTH} deep;</li>
 *   <li>numbers of at most {@value #MAX_NUMBER_LENGTH} characters;</li>
 *   <li>no field twice in one object (no "last one wins");</li>
 *   <li>no string or field name with a lone UTF-16 surrogate (a {@code \}{@code ud800} escape without its pair),
 *       which no UTF-8 text can hold and which would otherwise be stored as {@code ?}.</li>
 * </ul>
 *
 * <p>Messages name the field (its path from the root, e.g. {@code conditions.sourceCidr[1]}) and
 * the rule, never a value.
 */
final class JsonShape {
    /** The deepest nesting of objects and arrays accepted; the API's bodies need three levels. */
    static final int MAX_DEPTH = 32;
    /** The longest number accepted, in characters; the API's numbers are 32-bit integers. */
    static final int MAX_NUMBER_LENGTH = 64;

    private JsonShape() {}

    /** Reads every event of {@code parser} (positioned before the first) and checks the limits. */
    static void check(JsonParser parser) {
        if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
            throw invalid("request body must be a JSON object");
        }
        Deque<Scope> open = new ArrayDeque<>();
        open.push(new Scope("", false));
        while (!open.isEmpty()) {
            JsonParser.Event event = parser.next();
            Scope scope = open.peek();
            switch (event) {
                case KEY_NAME -> scope.key(parser.getString());
                case START_OBJECT, START_ARRAY -> {
                    String field = scope.nextField();
                    if (open.size() >= MAX_DEPTH) {
                        throw invalid("field '" + field + "' nests objects and arrays deeper than " + MAX_DEPTH + " levels");
                    }
                    open.push(new Scope(field, event == JsonParser.Event.START_ARRAY));
                }
                case END_OBJECT, END_ARRAY -> open.pop();
                case VALUE_STRING -> {
                    String field = scope.nextField();
                    if (PlainText.loneSurrogateAt(parser.getString()) >= 0) {
                        throw invalid("field '" + field + "' holds a lone UTF-16 surrogate (a \\uD800-\\uDFFF escape"
                                + " without its pair); strings must be valid Unicode");
                    }
                }
                case VALUE_NUMBER -> {
                    String field = scope.nextField();
                    if (parser.getString().length() > MAX_NUMBER_LENGTH) {
                        throw invalid("field '" + field + "' holds a number of more than " + MAX_NUMBER_LENGTH + " characters");
                    }
                }
                default -> scope.nextField();
            }
        }
        requireEnd(parser);
    }

    private static void requireEnd(JsonParser parser) {
        JsonLocation at;
        try {
            if (!parser.hasNext()) {
                return;
            }
            at = parser.getLocation();
        } catch (JsonParsingException e) {
            at = e.getLocation();
        }
        throw invalid("request body has content after the JSON object"
                + (at == null ? "" : " (line " + at.getLineNumber() + ", column " + at.getColumnNumber() + ")"));
    }

    private static InvalidRequestException invalid(String message) {
        return new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, message);
    }

    /** An open object or array: its path, the field names seen (objects) or the next index (arrays). */
    private static final class Scope {
        private final String path;
        private final boolean array;
        private final Set<String> names = new HashSet<>();
        private String key;
        private int index;

        Scope(String path, boolean array) {
            this.path = path;
            this.array = array;
        }

        void key(String name) {
            if (PlainText.loneSurrogateAt(name) >= 0) {
                throw invalid("a field name in " + (path.isEmpty() ? "the request body" : "field '" + path + "'")
                        + " holds a lone UTF-16 surrogate; strings must be valid Unicode");
            }
            key = (path.isEmpty() ? "" : path + ".") + Messages.printable(name);
            if (!names.add(name)) {
                throw invalid("field '" + key + "' appears more than once");
            }
        }

        // The path of the value that follows: the last key in an object, the next index in an array.
        String nextField() {
            return array ? path + "[" + index++ + "]" : key;
        }
    }
}
