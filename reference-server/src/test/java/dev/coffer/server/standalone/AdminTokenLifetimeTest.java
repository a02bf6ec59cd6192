package dev.coffer.server.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coffer.server.auth.JwtSettings;
import dev.coffer.server.auth.TokenBounds;
import dev.coffer.tck.support.NoValueLeaks;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The admin token a first start writes is one the server accepts, whatever its maximum token lifetime. */
@ExtendWith(NoValueLeaks.class)
class AdminTokenLifetimeTest {
    @TempDir
    Path temp;

    @Test
    void aShorterMaximumLifetimeShortensTheBootstrapToken() throws Exception {
        JwtSettings thirtyDays = new JwtSettings(JwtSettings.DEFAULT_ISSUER, JwtSettings.DEFAULT_AUDIENCE,
                new TokenBounds(Duration.ofDays(30), TokenBounds.DEFAULT_CLOCK_SKEW));
        ServeOptions options = new ServeOptions("127.0.0.1", 0, temp.resolve("data"), null, null, true, false, thirtyDays);
        try (Coffer coffer = Coffer.start(options, new PrintStream(OutputStream.nullOutputStream()))) {
            String token = Files.readString(temp.resolve("data").resolve(DataDir.ADMIN_TOKEN)).trim();
            JsonObject claims = Json.createReader(new StringReader(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]),
                    StandardCharsets.UTF_8))).readObject();
            assertEquals(Duration.ofDays(30).toSeconds(), claims.getJsonNumber("exp").longValue() - claims.getJsonNumber("iat").longValue());
            HttpResponse<String> policies = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + coffer.port() + "/v1/policies")).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, policies.statusCode(), policies.body());
        }
    }
}
