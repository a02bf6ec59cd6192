package dev.coffer.server.liberty;

import dev.coffer.server.auth.JwtSettings;
import dev.coffer.server.auth.TokenMinter;
import dev.coffer.server.auth.TokenMinter.TokenRequest;
import dev.coffer.server.standalone.AdminBootstrap;
import dev.coffer.server.standalone.DataDir;
import dev.coffer.server.standalone.SigningKeys;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

/**
 * What the Liberty ITs share: HTTP calls to a deployment and tokens signed with the test-only key
 * pair in {@code src/test/resources/liberty-it} (system property {@code coffer.it.keys}), which the
 * IT server's {@code mpJwt} trusts.
 */
final class LibertyCalls {
    /** Signs tokens the IT server accepts. */
    static final TokenMinter MINTER = new TokenMinter(
            SigningKeys.load(DataDir.existing(keys())).privateKey(), JwtSettings.defaults());

    /** The HTTP/1.1 client the ITs share. */
    static final HttpClient HTTP_CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private LibertyCalls() {}

    /** Where the test key pair is. */
    static Path keys() {
        return Path.of(System.getProperty("coffer.it.keys"));
    }

    /** A token with every right (the bootstrap policy's group). */
    static String adminToken() {
        return MINTER.mint(TokenRequest.subject("admin").groups(List.of(AdminBootstrap.ADMIN_GROUP)));
    }

    /** {@code method relative} against {@code base}, with a bearer token and a JSON body when given. */
    static HttpResponse<String> send(URL base, String method, String relative, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.toURI().resolve(relative));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP_CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The response body as a JSON object. */
    static JsonObject json(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).readObject();
    }
}
