package dev.coffer.config.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileBearerTokenTest {
    private static final AccessContext CTX = AccessContext.of(Principal.of("service:app", "default"));

    @TempDir
    Path dir;

    @Test
    void readsTrimmedTokenAndFollowsAtomicReplacement() throws IOException {
        Path file = dir.resolve("token");
        Files.writeString(file, "first-token\n");
        TokenFileBearerToken token = new TokenFileBearerToken(file);
        assertEquals("first-token", token.tokenFor(CTX));

        Path next = dir.resolve("token.tmp");
        Files.writeString(next, "second-token-longer");
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertEquals("second-token-longer", token.tokenFor(CTX));
    }

    @Test
    void reloadRereadsEvenWhenTheStampLooksUnchanged() throws IOException {
        Path file = dir.resolve("token");
        Files.writeString(file, "aaaa");
        TokenFileBearerToken token = new TokenFileBearerToken(file);
        assertEquals("aaaa", token.tokenFor(CTX));
        java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(file);
        Files.writeString(file, "bbbb");
        Files.setLastModifiedTime(file, mtime); // same size, same mtime: only a forced re-read sees it
        token.reload();
        assertEquals("bbbb", token.tokenFor(CTX));
    }

    @Test
    void missingFileIsUnavailableNamingTheFileAndTheLastGoodTokenSurvivesAGap() throws IOException {
        Path file = dir.resolve("token");
        TokenFileBearerToken token = new TokenFileBearerToken(file);
        UnavailableException e = assertThrows(UnavailableException.class, () -> token.tokenFor(CTX));
        assertEquals(ErrorCode.STORE_UNAVAILABLE, e.code());
        assertEquals("the token file " + file + " cannot be read (NoSuchFileException)", e.getMessage());

        Files.writeString(file, "good-token");
        assertEquals("good-token", token.tokenFor(CTX));
        Files.delete(file);
        assertEquals("good-token", token.tokenFor(CTX));
        assertFalse(token.toString().contains("good-token"));
    }
}
