package dev.coffer.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.server.auth.TokenMinter.TokenRequest;
import dev.coffer.spi.access.Principal;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifying a token and mapping its custom claims ({@code tenant}, {@code cluster}) constructs no
 * exception: counted by JFR's {@code jdk.JavaExceptionThrow} event (every {@code Throwable}
 * constructed), on the test's own thread, with smallrye-jwt's stock principal as the control that
 * shows the count sees what it should.
 */
class NoExceptionPerTokenTest {
    private static final int ROUNDS = 50;

    private static KeyPair pair;
    private static TokenMinter minter;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        pair = generator.generateKeyPair();
        minter = new TokenMinter(pair.getPrivate(), JwtSettings.defaults());
    }

    @Test
    void verifyingAndMappingCustomClaimsThrowsNothing() throws Exception {
        TokenVerifier verifier = new SmallRyeTokenVerifier(pair.getPublic(), JwtSettings.defaults());
        List<String> tokens = tokens();
        Principal warm = ClaimMapping.principal(verifier.verify(tokens.get(0))); // loads every class outside the count
        assertEquals(new Principal("user:alice", "acme", Set.of("payments"), true, "eu-1"), warm);

        List<String> thrown = exceptionsWhile(() -> {
            for (String token : tokens) {
                Principal p = ClaimMapping.principal(verifier.verify(token));
                assertEquals("acme", p.tenant());
                assertEquals("eu-1", p.cluster());
            }
        });

        assertEquals(List.of(), thrown, "exceptions constructed while verifying and mapping " + ROUNDS + " tokens");
    }

    @Test
    void tokensWithoutCustomClaimsThrowNothingEither() throws Exception {
        TokenVerifier verifier = new SmallRyeTokenVerifier(pair.getPublic(), JwtSettings.defaults());
        String admin = minter.mint(TokenRequest.subject("admin").groups(List.of("coffer-admins")));
        ClaimMapping.principal(verifier.verify(admin));

        List<String> thrown = exceptionsWhile(() -> {
            for (int i = 0; i < ROUNDS; i++) {
                assertEquals("default", ClaimMapping.principal(verifier.verify(admin)).tenant());
            }
        });

        assertEquals(List.of(), thrown);
    }

    /** The control: smallrye-jwt's own principal throws in Claims.valueOf for each custom claim read. */
    @Test
    void theStockPrincipalThrowsPerCustomClaimAndTheCountSeesIt() throws Exception {
        JWTAuthContextInfo info = new JWTAuthContextInfo(pair.getPublic(), JwtSettings.DEFAULT_ISSUER);
        info.setExpectedAudience(Set.of(JwtSettings.DEFAULT_AUDIENCE));
        DefaultJWTParser stock = new DefaultJWTParser(info);
        List<String> tokens = tokens();
        ClaimMapping.principal(stock.parse(tokens.get(0)));

        List<String> thrown = exceptionsWhile(() -> {
            for (String token : tokens) {
                JsonWebToken jwt = stock.parse(token);
                assertEquals("acme", ClaimMapping.principal(jwt).tenant());
            }
        });

        assertTrue(thrown.size() >= ROUNDS, "expected one IllegalArgumentException per custom claim read, saw " + thrown.size());
        assertTrue(thrown.stream().allMatch(t -> t.startsWith("java.lang.IllegalArgumentException")), thrown.toString());
    }

    private static List<String> tokens() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            out.add(minter.mint(TokenRequest.subject("alice").groups(List.of("payments")).tenant("acme").cluster("eu-1").mfa(true)));
        }
        return out;
    }

    interface Work {
        void run() throws Exception;
    }

    /** The class and top frame of each Throwable constructed on this thread while {@code work} ran. */
    private List<String> exceptionsWhile(Work work) throws Exception {
        Path file = dir.resolve("exceptions-" + System.nanoTime() + ".jfr");
        long thread = Thread.currentThread().getId();
        try (Recording recording = new Recording()) {
            recording.enable("jdk.JavaExceptionThrow").withStackTrace();
            recording.start();
            work.run();
            recording.stop();
            recording.dump(file);
        }
        List<String> out = new ArrayList<>();
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (event.getThread() != null && event.getThread().getJavaThreadId() == thread) {
                String top = event.getStackTrace() == null ? "?" : event.getStackTrace().getFrames().stream()
                        .map(f -> f.getMethod().getType().getName() + "." + f.getMethod().getName())
                        .filter(m -> !m.startsWith("java.lang.Throwable") && !m.startsWith("java.lang.Exception")
                                && !m.startsWith("java.lang.RuntimeException") && !m.startsWith("java.lang.IllegalArgumentException"))
                        .findFirst().orElse("?");
                out.add(event.getClass("thrownClass").getName() + " at " + top);
            }
        }
        Files.deleteIfExists(file);
        return out;
    }
}
