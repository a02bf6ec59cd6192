package dev.coffer.server.internal;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A {@code .env} file as {@code coffer run --env-file} and the {@code env} connector of
 * {@code coffer k8s} read it: the documented subset, parsed strictly, since no maintained dotenv
 * parser is served to this build.
 *
 * <pre>
 * # a comment line
 * DB_PASSWORD=coffer://prod/payments/db-password
 * export API_KEY=coffer://prod/payments/api-key#next
 * GREETING="hello world"   # a comment after a quoted value
 * PATTERN='no $escapes or \n here'
 * EMPTY=
 * </pre>
 *
 * <ul>
 *   <li>One {@code KEY=VALUE} per line, optionally after {@code export }; keys are
 *       {@code [A-Za-z_][A-Za-z0-9_]*}; a key twice is an error.</li>
 *   <li>Unquoted values are trimmed; whitespace followed by {@code #} starts a comment.</li>
 *   <li>{@code "..."} knows the escapes {@code \"}, {@code \\}, {@code \n}, {@code \t}, {@code \r};
 *       {@code '...'} is literal. Nothing but whitespace or a comment may follow the closing quote;
 *       a value does not span lines.</li>
 *   <li>No variable expansion ({@code $OTHER} stays as written).</li>
 *   <li>At most 1 MiB and 4096 lines, UTF-8; a NUL character is refused (no environment holds one).</li>
 * </ul>
 *
 * Errors ({@link Invalid}) start with the caller's label for the file ({@code --env-file app.env},
 * {@code envFile app.env}) and name the line and the key, never a value (a {@code .env} file may
 * hold real secrets).
 *
 * <pre>{@code
 * Map<String, String> vars = EnvFile.read(Path.of("app.env"), "--env-file app.env");
 * }</pre>
 */
public final class EnvFile {
    /** The largest file read. */
    public static final long MAX_BYTES = 1 << 20;
    /** The most lines a file may have. */
    public static final int MAX_LINES = 4096;
    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvFile() {}

    /** A file that is not the documented subset; the message names the file, line and key, never a value. */
    public static final class Invalid extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    /**
     * The variables of {@code file}, in file order; {@code label} (e.g. {@code --env-file app.env})
     * starts every error message.
     *
     * @throws Invalid naming the file and the line at fault
     */
    public static Map<String, String> read(Path file, String label) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new Invalid(label + " is larger than " + MAX_BYTES + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new Invalid("cannot read " + label + " (" + e.getClass().getSimpleName() + ")");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Invalid(label + " is not UTF-8");
        }
        return parse(label, text);
    }

    /** Parses {@code text}; {@code label} starts every error message. */
    public static Map<String, String> parse(String label, String text) {
        String[] lines = text.split("\r?\n", -1);
        if (lines.length > MAX_LINES) {
            throw new Invalid(label + " has more than " + MAX_LINES + " lines");
        }
        Map<String, String> vars = new LinkedHashMap<>();
        for (int i = 0; i < lines.length; i++) {
            String where = label + " line " + (i + 1);
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ") || line.startsWith("export\t")) {
                line = line.substring(7).stripLeading();
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new Invalid(where + ": expected KEY=VALUE");
            }
            String key = line.substring(0, eq).strip();
            if (!KEY.matcher(key).matches()) {
                throw new Invalid(where + ": '" + dev.coffer.spi.internal.Messages.printable(key)
                        + "' is not a variable name (letters, digits and _, not starting with a digit)");
            }
            String value = value(where + " (" + key + ")", line.substring(eq + 1).strip());
            if (value.indexOf('\0') >= 0) {
                throw new Invalid(where + " (" + key + "): the value holds a NUL character");
            }
            if (vars.putIfAbsent(key, value) != null) {
                throw new Invalid(where + ": " + key + " is set a second time");
            }
        }
        return vars;
    }

    private static String value(String where, String raw) {
        if (raw.isEmpty()) {
            return "";
        }
        char quote = raw.charAt(0);
        if (quote != '"' && quote != '\'') {
            int comment = commentStart(raw);
            String v = (comment < 0 ? raw : raw.substring(0, comment)).strip();
            if (v.indexOf('"') >= 0 || v.indexOf('\'') >= 0) {
                throw new Invalid(where + ": a quote inside an unquoted value; quote the whole value");
            }
            return v;
        }
        StringBuilder out = new StringBuilder();
        int i = 1;
        for (; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == quote) {
                break;
            }
            if (quote == '"' && c == '\\') {
                if (i + 1 >= raw.length()) {
                    break;
                }
                char next = raw.charAt(++i);
                switch (next) {
                    case '"', '\\' -> out.append(next);
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    default -> throw new Invalid(where + ": unknown escape \\" + next
                            + " in a double-quoted value (known: \\\" \\\\ \\n \\t \\r)");
                }
            } else {
                out.append(c);
            }
        }
        if (i >= raw.length()) {
            throw new Invalid(where + ": the " + (quote == '"' ? "double" : "single")
                    + " quote is not closed on this line (values do not span lines)");
        }
        String rest = raw.substring(i + 1);
        if (!rest.isBlank() && !rest.strip().startsWith("#")) {
            throw new Invalid(where + ": only a # comment may follow the closing quote");
        }
        if (!rest.isEmpty() && !rest.isBlank() && !Character.isWhitespace(rest.charAt(0))) {
            throw new Invalid(where + ": put whitespace between the closing quote and the # comment");
        }
        return out.toString();
    }

    /** Where whitespace followed by {@code #} begins, or -1. */
    private static int commentStart(String raw) {
        for (int i = 1; i < raw.length(); i++) {
            if (raw.charAt(i) == '#' && Character.isWhitespace(raw.charAt(i - 1))) {
                return i;
            }
        }
        return -1;
    }
}
