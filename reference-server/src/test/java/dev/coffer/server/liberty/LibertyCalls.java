package dev.coffer.server.liberty;

import dev.coffer.server.auth.JwtSettings;
import dev.coffer.server.auth.TokenMinter;
import dev.coffer.server.auth.TokenMinter.TokenRequest;
import dev.coffer.server.standalone.AdminBootstrap;
import dev.coffer.server.standalone.DataDir;
import dev.coffer.server.standalone.SigningKeys;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * What the Liberty ITs share: HTTP calls to a deployment and tokens signed with the test-only key
 * pair in {@code src/test/resources/liberty-it} (system property {@code coffer.it.keys}), which the
 * IT server's {@code mpJwt} trusts.
 */
final class LibertyCalls {
    /** The test key pair the IT server's mpJwt trusts. */
    static final SigningKeys KEYS = SigningKeys.load(DataDir.existing(privateCopyOfKeys()));

    /** Signs tokens the IT server accepts. */
    static final TokenMinter MINTER = new TokenMinter(KEYS.privateKey(), JwtSettings.defaults());

    /** The HTTP/1.1 client the ITs share. */
    static final HttpClient HTTP_CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private LibertyCalls() {}

    /** Where the test key pair is. */
    static Path keys() {
        return Path.of(System.getProperty("coffer.it.keys"));
    }

    // A checkout leaves the fixture's files as the umask says (often 0644), and the server refuses
    // key files open to group or others, so the ITs sign from a private copy.
    private static Path privateCopyOfKeys() {
        try {
            Path copy = Files.createTempDirectory("coffer-it-keys",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            copy.toFile().deleteOnExit(); // registered first, so deleted after the files in it
            for (String name : List.of(DataDir.SIGNING_KEY, DataDir.PUBLIC_KEY)) {
                Path target = Files.copy(keys().resolve(name), copy.resolve(name));
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
                target.toFile().deleteOnExit();
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
