package dev.coffer.server.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.auth.JwtSettings;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** First start and restart of the durable standalone server (Tink keyset + H2 file) in one JVM. */
@ExtendWith(NoValueLeaks.class)
class CofferStartTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path temp;

    @Test
    void firstStartCreatesPrivateFilesAndRestartKeepsSecrets() throws Exception {
        Path data = temp.resolve("coffer-data");
        ServeOptions options = new ServeOptions("127.0.0.1", 0, data, null, null, false, false, JwtSettings.defaults());
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        String value = TestValues.text();
        String token;
        try (Coffer coffer = Coffer.start(options, new PrintStream(console, true, StandardCharsets.UTF_8))) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
            for (String file : new String[] {"admin.token", "jwt-signing-key.pem", "jwt-public-key.pem", "root-keyset.json", "coffer.mv.db"}) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(file))), file);
            }
            token = Files.readString(data.resolve("admin.token")).trim();
            String printed = console.toString(StandardCharsets.UTF_8);
            assertTrue(printed.contains("admin token: " + data.resolve("admin.token")), printed);
            assertFalse(printed.contains(token));

            String base = "http://127.0.0.1:" + coffer.port() + "/";
            assertEquals(200, send(base + "health/ready", null, null).statusCode());
            assertTrue(send(base + "health/ready", null, null).body().contains("\"keys\":\"UP\""));
            String created = send(base + "v1/secrets", token, "{\"environment\":\"prod\",\"path\":\"db/pw\",\"ownerTeam\":\"ops\"}").body();
            String id = created.replaceAll(".*\"id\":\"(sec_[a-z0-9]+)\".*", "$1");
            assertEquals(201, send(base + "v1/secrets/" + id + "/versions", token, "{\"value\":\"" + value + "\"}").statusCode());
        }
        console.reset();
        try (Coffer coffer = Coffer.start(options, new PrintStream(console, true, StandardCharsets.UTF_8))) {
            assertEquals(token, Files.readString(data.resolve("admin.token")).trim(), "restart reuses the token");
            assertFalse(console.toString(StandardCharsets.UTF_8).contains("(created)"));
            HttpResponse<String> read = send("http://127.0.0.1:" + coffer.port() + "/v1/secrets/prod/db/pw", token, null);
            assertEquals(200, read.statusCode());
            assertTrue(read.body().contains("\"value\":\"" + value + "\""));
        }
    }

    private HttpResponse<String> send(String url, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
