package dev.coffer.server.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.auth.JwtSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that fails part-way (here: a root key URI that cannot be opened, found only after the
 * signing keys were written; or a port in use) leaves no half-made data directory, and the next
 * start bootstraps it in full, as does a start after one that was cut short.
 */
class FailedStartTest {
    // Found by the backend, after the token signing keys were created: the latest point a start fails.
    private static final String UNUSABLE_KEY_URI = "no-such-kms://key";

    @TempDir
    Path temp;

    @Test
    void aStartThatFailsAfterWritingKeysRemovesTheDataDirAndTheParentsItCreated() {
        Path data = temp.resolve("a/b/coffer-data");

        assertThrows(IllegalArgumentException.class, () -> Coffer.start(options(data, UNUSABLE_KEY_URI), quiet()));

        assertFalse(Files.exists(temp.resolve("a")), "no trace of the failed start");
    }

    @Test
    void aStartThatFailsInAnExistingDirectoryRemovesOnlyWhatItAdded() throws Exception {
        Path data = Files.createDirectory(temp.resolve("coffer-data"));
        Files.writeString(data.resolve("README.txt"), "the operator's notes\n");
        Files.writeString(data.resolve("coffer.trace.db"), "kept: it was there before\n");

        assertThrows(IllegalArgumentException.class, () -> Coffer.start(options(data, UNUSABLE_KEY_URI), quiet()));

        // The lock file stays in a directory that existed (see DataDirRollback); nothing else of the start does.
        assertEquals(List.of("README.txt", DataDir.LOCK, "coffer.trace.db"), names(data));
        assertEquals("the operator's notes\n", Files.readString(data.resolve("README.txt")));
    }

    @Test
    void aPortInUseFailsTheStartBeforeTheDataDirIsWritten() throws Exception {
        Path data = temp.resolve("coffer-data");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            AddressInUseException refused = assertThrows(AddressInUseException.class,
                    () -> Coffer.start(options(data, null, taken.getLocalPort()), quiet()));
            assertEquals("address already in use: 127.0.0.1:" + taken.getLocalPort(), refused.getMessage());
        }
        assertFalse(Files.exists(data));
    }

    @Test
    void theStartAfterAFailedOneBootstrapsInFull() throws Exception {
        Path data = Files.createDirectory(temp.resolve("coffer-data"));
        assertThrows(IllegalArgumentException.class, () -> Coffer.start(options(data, UNUSABLE_KEY_URI), quiet()));

        assertAdminTokenCreatedAndWorks(data);
    }

    @Test
    void aFirstStartCutShortAfterItsKeysIsCompletedByTheNext() throws Exception {
        Path data = temp.resolve("coffer-data");
        // What a first start killed right after writing the signing keys leaves (nothing could remove it).
        DataDir cut = DataDir.prepare(data);
        assertTrue(AdminBootstrap.beginDataDir(cut));
        SigningKeys.loadOrCreate(cut);
        assertTrue(cut.has(DataDir.BOOTSTRAP_PENDING));

        assertAdminTokenCreatedAndWorks(data);
        assertFalse(Files.exists(data.resolve(DataDir.BOOTSTRAP_PENDING)), "the bootstrap is complete");
        assertTrue(Files.exists(data.resolve(DataDir.BOOTSTRAP_MARKER)));
    }

    @Test
    void aCompleteDataDirHasNoPendingBootstrap() throws Exception {
        Path data = temp.resolve("coffer-data");
        try (Coffer coffer = Coffer.start(options(data, null), quiet())) {
            assertFalse(coffer.data().has(DataDir.BOOTSTRAP_PENDING));
        }
        assertFalse(AdminBootstrap.beginDataDir(DataDir.prepare(data)), "a restart is not a first start");
    }

    private static void assertAdminTokenCreatedAndWorks(Path data) throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (Coffer coffer = Coffer.start(options(data, null), new PrintStream(console, true, StandardCharsets.UTF_8))) {
            String printed = console.toString(StandardCharsets.UTF_8);
            assertTrue(printed.contains("admin token: " + data.resolve(DataDir.ADMIN_TOKEN) + " (created)"), printed);
            assertTrue(printed.contains("bootstrap:   policy"), printed);
            String token = Files.readString(data.resolve(DataDir.ADMIN_TOKEN)).trim();
            HttpResponse<String> policies = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + coffer.port() + "/v1/policies"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, policies.statusCode(), policies.body());
        }
    }

    private static ServeOptions options(Path data, String keyUri) {
        return options(data, keyUri, 0);
    }

    private static ServeOptions options(Path data, String keyUri, int port) {
        return new ServeOptions("127.0.0.1", port, data, null, keyUri, false, false, JwtSettings.defaults());
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
