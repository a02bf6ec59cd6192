package dev.coffer.server.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.jdbi.DatabaseConfig;
import dev.coffer.server.auth.JwtSettings;
import dev.coffer.tck.support.Concurrently;
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
import java.util.List;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
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

    @Test
    void aDeletedAdminPolicyStaysDeletedAfterRestart() throws Exception {
        ServeOptions options = durable(temp.resolve("coffer-data"));
        String token;
        try (Coffer coffer = Coffer.start(options, quiet())) {
            token = Files.readString(coffer.data().file(DataDir.ADMIN_TOKEN)).trim();
            assertEquals(204, send(coffer, "DELETE", "v1/policies/" + AdminBootstrap.POLICY, token).statusCode());
        }
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (Coffer coffer = Coffer.start(options, new PrintStream(console, true, StandardCharsets.UTF_8))) {
            assertFalse(console.toString(StandardCharsets.UTF_8).contains("bootstrap:"), console::toString);
            assertEquals(403, send(coffer, "GET", "v1/policies", token).statusCode(), "the admin token must stay powerless");
            assertEquals(1, bootstrapEvents(options), "the bootstrap ran once");
        }
    }

    @Test
    void anInstallationFromBeforeTheBootstrapRecordIsRecordedNotBootstrappedAgain() throws Exception {
        Path data = temp.resolve("coffer-data");
        ServeOptions options = durable(data);
        String token;
        try (Coffer coffer = Coffer.start(options, quiet())) {
            token = Files.readString(coffer.data().file(DataDir.ADMIN_TOKEN)).trim();
            assertEquals(204, send(coffer, "DELETE", "v1/policies/" + AdminBootstrap.POLICY, token).statusCode());
        }
        // What an installation of the previous release looks like: no record in the database or the data dir.
        Jdbi.create(DatabaseConfig.h2File(data).jdbcUrl(), "coffer", "").useHandle(h -> h.execute("DELETE FROM installation_steps"));
        Files.delete(data.resolve(DataDir.BOOTSTRAP_MARKER));
        Files.delete(data.resolve(DataDir.ADMIN_TOKEN));

        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (Coffer coffer = Coffer.start(options, new PrintStream(console, true, StandardCharsets.UTF_8))) {
            String printed = console.toString(StandardCharsets.UTF_8);
            assertFalse(printed.contains("bootstrap:"), printed);
            assertTrue(printed.contains("admin token: none"), printed);
            assertFalse(Files.exists(data.resolve(DataDir.ADMIN_TOKEN)), "a removed admin token is not re-created");
            assertTrue(Files.exists(data.resolve(DataDir.BOOTSTRAP_MARKER)));
            assertEquals(403, send(coffer, "GET", "v1/policies", token).statusCode());
            assertEquals(1, bootstrapEvents(options));
        }
    }

    @Test
    void twoServersStartingOnOneFreshDataDirLeaveOneRunningAndOneAdminToken() throws Exception {
        Path data = temp.resolve("coffer-data");
        ServeOptions options = durable(data);

        List<Concurrently.Outcome<Coffer>> outcomes = Concurrently.run(2, i -> Coffer.start(options, quiet()));

        List<Coffer> started = outcomes.stream().filter(Concurrently.Outcome::succeeded).map(Concurrently.Outcome::value).toList();
        try {
            assertEquals(1, started.size(), () -> "outcomes: " + outcomes);
            Throwable refused = outcomes.stream().filter(o -> !o.succeeded()).findFirst().orElseThrow().failure();
            assertTrue(refused instanceof IllegalStateException && refused.getMessage().contains("in use by another server (pid "),
                    () -> "the second server must be refused with a clear message, got " + refused);
            try (Stream<Path> files = Files.list(data)) {
                assertEquals(List.of(), files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList());
            }
            String token = Files.readString(data.resolve(DataDir.ADMIN_TOKEN)).trim();
            assertEquals(200, send(started.get(0), "GET", "v1/policies", token).statusCode());
        } finally {
            started.forEach(Coffer::close);
        }
        try (Coffer again = Coffer.start(options, quiet())) {
            assertEquals(200, send(again, "GET", "v1/policies", Files.readString(data.resolve(DataDir.ADMIN_TOKEN)).trim()).statusCode(),
                    "once the first stops, the data directory is free and its token still works");
        }
    }

    @Test
    void aPageTokenIssuedBeforeARestartStillPages() throws Exception {
        ServeOptions options = durable(temp.resolve("coffer-data"));
        String token;
        String pageToken;
        try (Coffer coffer = Coffer.start(options, quiet())) {
            token = Files.readString(options.data().resolve(DataDir.ADMIN_TOKEN)).trim();
            String base = "http://127.0.0.1:" + coffer.port() + "/";
            for (String path : List.of("a", "b", "c")) {
                assertEquals(201, send(base + "v1/secrets", token,
                        "{\"environment\":\"prod\",\"path\":\"" + path + "\",\"ownerTeam\":\"ops\"}").statusCode());
            }
            HttpResponse<String> first = send(coffer, "GET", "v1/secrets?limit=1", token);
            assertEquals(200, first.statusCode(), first.body());
            pageToken = first.body().replaceAll(".*\"nextPageToken\":\"([^\"]+)\".*", "$1");
            assertFalse(pageToken.equals(first.body()), first.body());
        }
        // The key that seals page tokens is derived under the root key, not drawn per process, so a
        // restarted server (or another instance on the same database) accepts what this one issued.
        try (Coffer coffer = Coffer.start(options, quiet())) {
            HttpResponse<String> second = send(coffer, "GET", "v1/secrets?limit=1&pageToken=" + pageToken, token);
            assertEquals(200, second.statusCode(), second.body());
            assertTrue(second.body().contains("\"path\":\"b\""), second.body());
        }
    }

    private static ServeOptions durable(Path data) {
        return new ServeOptions("127.0.0.1", 0, data, null, null, false, false, JwtSettings.defaults());
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    // POLICY_PUT events by the bootstrap principal, read straight from the H2 file the server uses.
    private static int bootstrapEvents(ServeOptions options) {
        return Jdbi.create(DatabaseConfig.h2File(options.data()).jdbcUrl(), "coffer", "").withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM audit_events WHERE principal = :p AND event_type = 'POLICY_PUT'")
                .bind("p", AdminBootstrap.BOOTSTRAP_PRINCIPAL).mapTo(Integer.class).one());
    }

    private HttpResponse<String> send(Coffer coffer, String method, String path, String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + coffer.port() + "/" + path))
                .header("Authorization", "Bearer " + token).method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
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
