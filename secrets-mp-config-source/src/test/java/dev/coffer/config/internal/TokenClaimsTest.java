package dev.coffer.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenClaimsTest {
    @TempDir
    Path dir;

    private static String jwt(String payload) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
    }

    @Test
    void subjectTenantAndGroupsAreReadFromThePayload() {
        assertEquals(Optional.of(new TokenClaims("svc:payments-api", "acme", Set.of("payments", "readers"))),
                TokenClaims.parse(jwt("{\"sub\":\"svc:payments-api\",\"tenant\":\"acme\",\"groups\":[\"readers\",\"payments\",7]}")));
    }

    @Test
    void upnStandsInForAMissingSubjectAndAbsentTenantIsNull() {
        TokenClaims claims = TokenClaims.parse(jwt("{\"upn\":\"alice\"}")).orElseThrow();
        assertEquals("alice", claims.principal());
        assertEquals(null, claims.tenant());
        assertTrue(claims.groups().isEmpty());
    }

    @Test
    void anythingButAJwtWithASubjectIsEmpty() throws Exception {
        assertEquals(Optional.empty(), TokenClaims.parse("not-a-token"));
        assertEquals(Optional.empty(), TokenClaims.parse("a.b!.c"));
        assertEquals(Optional.empty(), TokenClaims.parse(jwt("[1,2]")));
        assertEquals(Optional.empty(), TokenClaims.parse(jwt("{\"groups\":[\"x\"]}")));
        assertEquals(Optional.empty(), TokenClaims.peek(dir.resolve("missing")));
        Path file = Files.writeString(dir.resolve("token"), jwt("{\"sub\":\"bob\"}") + "\n");
        assertEquals("bob", TokenClaims.peek(file).orElseThrow().principal());
    }
}
