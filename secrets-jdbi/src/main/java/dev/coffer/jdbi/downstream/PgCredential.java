package dev.coffer.jdbi.downstream;

import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.rotation.RotationException;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A PostgreSQL credential as Coffer stores it: the JSON {@code {"username","password","host","port",
 * "database"}} (AWS Secrets Manager's shape). Other fields of the JSON are kept as they are when a
 * new value is derived from this one. {@link #toString()} names the role, never the password.
 */
final class PgCredential {
    /** Role names the rotator accepts: plain, unquoted identifiers (63 bytes at most, PostgreSQL's limit). */
    static final Pattern PLAIN_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:\\[\\]-]{1,253}");
    private static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_$.-]{1,63}");
    private static final int MAX_PASSWORD = 1024;

    private final JsonObject json;
    private final String username;
    private final String host;
    private final int port;
    private final String database;

    private PgCredential(JsonObject json, String username, String host, int port, String database) {
        this.json = json;
        this.username = username;
        this.host = host;
        this.port = port;
        this.database = database;
    }

    /**
     * Parses {@code value}; {@code what} ("current", "pending", "admin", ...) names it in errors.
     *
     * @throws RotationException {@code INVALID_CREDENTIAL_JSON} naming the field at fault, never its content
     */
    static PgCredential parse(SecretValue value, String what) {
        byte[] bytes = value.bytes();
        JsonObject json;
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(bytes))) {
            json = reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            // The parser's message may quote part of the text; it is not attached.
            throw invalid("the " + what + " value is not a JSON object");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
        String username = string(json, "username", what, true);
        if (!PLAIN_IDENTIFIER.matcher(username).matches()) {
            throw invalid("the " + what + " value's username is not a plain PostgreSQL identifier ([a-z_][a-z0-9_]{0,62})");
        }
        String password = string(json, "password", what, true);
        if (password.isEmpty() || password.length() > MAX_PASSWORD) {
            throw invalid("the " + what + " value's password must hold 1 to " + MAX_PASSWORD + " characters");
        }
        String host = string(json, "host", what, false);
        if (host != null && !HOST.matcher(host).matches()) {
            throw invalid("the " + what + " value's host is not a host name or address");
        }
        String database = string(json, "database", what, false);
        if (database != null && !DATABASE.matcher(database).matches()) {
            throw invalid("the " + what + " value's database is not a plain database name");
        }
        return new PgCredential(json, username, host, port(json, what), database);
    }

    /** The role. */
    String username() {
        return username;
    }

    /** The password, as a fresh array the caller should wipe. */
    char[] password() {
        return json.getString("password").toCharArray();
    }

    /** The password as a string, for the driver (which takes nothing else). */
    String passwordText() {
        return json.getString("password");
    }

    /** The host, or {@code null} when the value does not say (admin credentials). */
    String host() {
        return host;
    }

    /** The port; 5432 when the value does not say. */
    int port() {
        return port;
    }

    /** The database, or {@code null} when the value does not say. */
    String database() {
        return database;
    }

    /** Whether both name the same role with the same password. */
    boolean samePasswordAs(PgCredential other) {
        return username.equals(other.username) && passwordText().equals(other.passwordText());
    }

    /** This credential with another role and password, every other field kept, as a new value. */
    SecretValue withLogin(String newUsername, char[] newPassword) {
        JsonObjectBuilder b = Json.createObjectBuilder(json);
        b.add("username", newUsername);
        b.add("password", new String(newPassword));
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (var writer = Json.createWriter(out)) {
            writer.writeObject(b.build());
        }
        byte[] bytes = out.toByteArray();
        return SecretValue.wrap(bytes);
    }

    @Override
    public String toString() {
        return "PgCredential[" + username + "@" + host + ":" + port + "/" + database + ", password redacted]";
    }

    private static String string(JsonObject json, String field, String what, boolean required) {
        JsonValue v = json.get(field);
        if (v == null || v == JsonValue.NULL) {
            if (required) {
                throw invalid("the " + what + " value has no " + field);
            }
            return null;
        }
        if (!(v instanceof JsonString s)) {
            throw invalid("the " + what + " value's " + field + " is not a string");
        }
        return s.getString();
    }

    private static int port(JsonObject json, String what) {
        JsonValue v = json.get("port");
        if (v == null || v == JsonValue.NULL) {
            return 5432;
        }
        int port;
        if (v instanceof JsonNumber n && n.isIntegral()) {
            port = n.bigIntegerValue().bitLength() < 32 ? n.intValue() : -1;
        } else if (v instanceof JsonString s && s.getString().matches("[0-9]{1,5}")) {
            port = Integer.parseInt(s.getString());
        } else {
            throw invalid("the " + what + " value's port is not a number");
        }
        if (port < 1 || port > 65535) {
            throw invalid("the " + what + " value's port must be between 1 and 65535");
        }
        return port;
    }

    private static RotationException invalid(String message) {
        return new RotationException("INVALID_CREDENTIAL_JSON", false, message);
    }
}
