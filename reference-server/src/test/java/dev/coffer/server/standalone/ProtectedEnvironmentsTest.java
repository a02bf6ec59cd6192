package dev.coffer.server.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.auth.JwtSettings;
import dev.coffer.tck.support.NoValueLeaks;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code coffer serve --protected-environment}: force delete is refused there, and only there. */
@ExtendWith(NoValueLeaks.class)
class ProtectedEnvironmentsTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path temp;

    @Test
    void forceDeleteIsRefusedInAProtectedEnvironmentOfARunningServer() throws Exception {
        ServeOptions options = new ServeOptions("127.0.0.1", 0, temp.resolve("data"), null, null, false, false, JwtSettings.defaults())
                .withProtectedEnvironments(List.of("prod", "staging"));
        try (Coffer coffer = Coffer.start(options, new PrintStream(OutputStream.nullOutputStream()))) {
            String token = Files.readString(coffer.data().file(DataDir.ADMIN_TOKEN)).trim();
            for (String environment : List.of("prod", "dev")) {
                assertEquals(201, send(coffer, "POST", "v1/secrets", token,
                        "{\"environment\":\"" + environment + "\",\"path\":\"scratch/db\",\"ownerTeam\":\"ops\"}").statusCode());
            }
            HttpResponse<String> refused = send(coffer, "DELETE", "v1/metadata/prod/scratch/db?force=true", token, null);
            assertEquals(403, refused.statusCode(), refused::body);
            assertTrue(refused.body().contains("\"code\":\"ENVIRONMENT_PROTECTED\""), refused::body);
            assertEquals(200, send(coffer, "GET", "v1/metadata/prod/scratch/db", token, null).statusCode(), "the refusal deleted it");
            assertEquals(204, send(coffer, "DELETE", "v1/metadata/dev/scratch/db?force=true", token, null).statusCode());
        }
    }

    @Test
    void aProtectedEnvironmentMustBeAnEnvironmentName() {
        ServeOptions options = new ServeOptions("127.0.0.1", 0, temp.resolve("data"), null, null, false, false, JwtSettings.defaults());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> options.withProtectedEnvironments(List.of("Prod_1")));
        assertTrue(e.getMessage().startsWith("--protected-environment: "), e.getMessage());
    }

    private HttpResponse<String> send(Coffer coffer, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + coffer.port() + "/" + path))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
