package dev.coffer.server.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.auth.JwtSettings;
import dev.coffer.spi.error.UnavailableException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One rule for every key and token file of the data directory: open to group or others, the
 * server refuses to start and says which file and how to fix it; an open data directory is
 * restricted to 0700. (POSIX file systems; the build runs on one.)
 */
class DataDirPermissionsTest {
    @TempDir
    Path temp;

    private Path data;
    private ServeOptions options;

    @BeforeEach
    void startOnce() {
        data = temp.resolve("coffer-data");
        options = new ServeOptions("127.0.0.1", 0, data, null, null, false, false, JwtSettings.defaults());
        Coffer.start(options, quiet()).close();
    }

    @ParameterizedTest
    @ValueSource(strings = {DataDir.SIGNING_KEY, DataDir.PUBLIC_KEY, DataDir.ADMIN_TOKEN, DataDir.ROOT_KEYSET})
    void aKeyOrTokenFileReadableByOthersIsRefused(String name) throws Exception {
        Path file = data.resolve(name);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        RuntimeException refused = assertThrows(RuntimeException.class, () -> Coffer.start(options, quiet()).close());

        assertTrue(refused instanceof IllegalStateException || refused instanceof UnavailableException, refused::toString);
        assertTrue(refused.getMessage().contains(file.toString()), refused::getMessage);
        assertTrue(refused.getMessage().contains("rw-r--r--"), refused::getMessage);
        assertTrue(refused.getMessage().contains("chmod 600 " + file), refused::getMessage);
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), "refused, not changed");

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Coffer.start(options, quiet()).close();
    }

    @Test
    void aDataDirOpenToOthersIsRestrictedTo0700() throws Exception {
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));

        try (Coffer coffer = Coffer.start(options, quiet())) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
        }
    }

    @Test
    void theTokenCommandRefusesAnOpenSigningKeyToo() throws Exception {
        Files.setPosixFilePermissions(data.resolve(DataDir.SIGNING_KEY), PosixFilePermissions.fromString("rw-rw----"));

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> SigningKeys.load(DataDir.existing(data)));

        assertTrue(refused.getMessage().contains("chmod 600"), refused::getMessage);
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
