package dev.coffer.tink.root;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.UnavailableException;
import dev.coffer.tck.support.Concurrently;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.NoValueLeaks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Root keys from key URIs: the local keyset file (generated once, owner-only, refused when open
 * to others or corrupt, one keyset however many racers) and the routing of KMS URIs to their
 * optional artifacts. No cloud is called: KMS clients are only constructed.
 */
@ExtendWith(NoValueLeaks.class)
class RootKeysTest {
    static final String PROBE = "a tenant keyset stand-in";
    static final byte[] PROBE_AAD = "tenant-a".getBytes(StandardCharsets.UTF_8);
    private static final String AWS_KEY = "aws-kms://arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private static final String GCP_KEY = "gcp-kms://projects/coffer-test/locations/global/keyRings/coffer/cryptoKeys/root";

    @TempDir
    Path dir;

    @Test
    void localKeysetIsGeneratedOnFirstUseReadableByTheOwnerOnly() throws IOException {
        assumePosix();
        Path file = dir.resolve("data/root-keyset.json");

        RootKey root = RootKeys.fromUri("local-keyset:" + file);

        assertEquals("local-keyset:" + file.toAbsolutePath(), root.uri());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        String json = Files.readString(file);
        assertTrue(json.contains("\"primaryKeyId\""), "a Tink JSON keyset");
        assertTrue(json.contains("AesGcmKey"), "of AES-GCM");
    }

    @Test
    void reopeningTheFileGivesTheSameKey() throws GeneralSecurityException {
        Path file = dir.resolve("root-keyset.json");
        byte[] wrapped = RootKeys.localKeyset(file).wrap(PROBE.getBytes(StandardCharsets.UTF_8), PROBE_AAD);

        byte[] unwrapped = RootKeys.localKeyset(file).unwrap(wrapped, PROBE_AAD);

        assertEquals(PROBE, new String(unwrapped, StandardCharsets.UTF_8));
    }

    @Test
    void wrappedBytesOpenOnlyForTheirAssociatedData() {
        RootKey root = RootKeys.localKeyset(dir.resolve("root-keyset.json"));
        byte[] wrapped = root.wrap(PROBE.getBytes(StandardCharsets.UTF_8), PROBE_AAD);

        assertThrows(GeneralSecurityException.class, () -> root.unwrap(wrapped, "tenant-b".getBytes(StandardCharsets.UTF_8)));
        assertThrows(GeneralSecurityException.class, () -> RootKeys.ephemeral().unwrap(wrapped, PROBE_AAD));
    }

    @Test
    void aKeysetFileOpenToGroupOrOthersIsRefusedWithTheFixInTheMessage() throws IOException {
        assumePosix();
        Path file = dir.resolve("root-keyset.json");
        RootKeys.localKeyset(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

        UnavailableException refused = Expect.thrown(UnavailableException.class, ErrorCode.KEY_UNAVAILABLE,
                () -> RootKeys.localKeyset(file));

        assertTrue(refused.getMessage().contains(file.toString()), refused::getMessage);
        assertTrue(refused.getMessage().contains("chmod 600 " + file), refused::getMessage);
        assertNoKeyMaterialIn(refused, Files.readString(file));
    }

    /** Spoiled keyset files, as data: each must be refused, naming the file and none of its content. */
    static Stream<String> spoiledContents() {
        return Stream.of("", "{", "not json at all", "{\"primaryKeyId\": 1, \"key\": []}", "[]");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "content: \"{0}\"")
    @org.junit.jupiter.params.provider.MethodSource("spoiledContents")
    void aCorruptKeysetFileIsRefusedNamingTheFile(String content) throws IOException {
        Path file = ownerOnlyFile("root-keyset.json", content);

        UnavailableException refused = Expect.thrown(UnavailableException.class, ErrorCode.KEY_UNAVAILABLE,
                () -> RootKeys.localKeyset(file));

        assertTrue(refused.getMessage().contains(file.toString()), refused::getMessage);
        assertTrue(refused.getMessage().contains("not a valid Tink JSON keyset"), refused::getMessage);
    }

    @Test
    void aTruncatedKeysetFileIsRefusedWithoutQuotingIt() throws IOException {
        Path good = dir.resolve("good.json");
        RootKeys.localKeyset(good);
        String json = Files.readString(good);
        Path file = ownerOnlyFile("root-keyset.json", json.substring(0, json.length() - 40));

        UnavailableException refused = Expect.thrown(UnavailableException.class, ErrorCode.KEY_UNAVAILABLE,
                () -> RootKeys.localKeyset(file));

        assertTrue(refused.getMessage().contains("corrupt or truncated"), refused::getMessage);
        assertTrue(refused.getCause() == null, "the parser's exception may quote the file; it is not kept");
        assertNoKeyMaterialIn(refused, json);
    }

    @Test
    void aDirectoryWhereTheKeysetFileShouldBeIsRefused() throws IOException {
        Path file = Files.createDirectory(dir.resolve("root-keyset.json"));

        UnavailableException refused = Expect.thrown(UnavailableException.class, ErrorCode.KEY_UNAVAILABLE,
                () -> RootKeys.localKeyset(file));

        assertTrue(refused.getMessage().contains("not a regular file"), refused::getMessage);
    }

    @Test
    void threadsRacingToCreateTheKeysetEndWithOneKeyset() throws Exception {
        Path file = dir.resolve("race/root-keyset.json");

        List<Concurrently.Outcome<RootKey>> outcomes = Concurrently.run(8, i -> RootKeys.localKeyset(file));

        byte[] wrapped = outcomes.get(0).value().wrap(PROBE.getBytes(StandardCharsets.UTF_8), PROBE_AAD);
        for (Concurrently.Outcome<RootKey> outcome : outcomes) {
            assertTrue(outcome.succeeded(), () -> "a racer failed: " + outcome.failure());
            assertArrayEquals(PROBE.getBytes(StandardCharsets.UTF_8), outcome.value().unwrap(wrapped, PROBE_AAD));
        }
        try (Stream<Path> left = Files.list(file.getParent())) {
            assertEquals(List.of(file), left.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void processesRacingToCreateTheKeysetEndWithOneKeyset() throws Exception {
        Path file = dir.resolve("race/root-keyset.json");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        long startAt = System.currentTimeMillis() + 1500; // time for every JVM to boot, then all go at once
        List<Process> racers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            racers.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    LocalKeysetRace.class.getName(), file.toString(), Long.toString(startAt))
                    .redirectErrorStream(true).start());
        }

        RootKey mine = null;
        for (Process racer : racers) {
            String out = new String(racer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(racer.waitFor(60, TimeUnit.SECONDS), "racer did not finish");
            assertEquals(0, racer.exitValue(), out);
            Matcher m = Pattern.compile("WRAPPED (\\S+)").matcher(out);
            assertTrue(m.find(), out);
            mine = mine != null ? mine : RootKeys.localKeyset(file);
            byte[] unwrapped = mine.unwrap(Base64.getDecoder().decode(m.group(1)), PROBE_AAD);
            assertEquals(PROBE, new String(unwrapped, StandardCharsets.UTF_8), "every process used the one keyset");
        }
    }

    @Test
    void unsupportedUrisAreRefusedNamingTheSupportedSchemes() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> RootKeys.fromUri("hcvault://transit/keys/coffer"));

        assertTrue(refused.getMessage().contains("local-keyset:<file>"), refused::getMessage);
        assertTrue(refused.getMessage().contains("aws-kms://"), refused::getMessage);
        assertTrue(refused.getMessage().contains("gcp-kms://"), refused::getMessage);
        assertThrows(IllegalArgumentException.class, () -> RootKeys.fromUri("local-keyset:"));
        assertThrows(IllegalArgumentException.class,
                () -> RootKeys.fromUri("local-keyset:" + dir.resolve("k.json"), dir.resolve("creds.json")));
    }

    @Test
    void awsKmsWithoutItsArtifactSaysWhichArtifactToAdd() {
        UnavailableException refused = Expect.thrown(UnavailableException.class, ErrorCode.KEY_UNAVAILABLE,
                () -> RootKeys.fromUri(AWS_KEY, null, withoutApplicationClasses()));

        assertTrue(refused.getMessage().contains("com.google.crypto.tink:tink-awskms"), refused::getMessage);
        assertTrue(refused.getMessage().contains(AWS_KEY), refused::getMessage);
    }

    @Test
    void gcpKmsWithoutItsArtifactSaysWhichArtifactToAdd() {
        UnavailableException refused = Expect.thrown(UnavailableException.class, ErrorCode.KEY_UNAVAILABLE,
                () -> RootKeys.fromUri(GCP_KEY, null, withoutApplicationClasses()));

        assertTrue(refused.getMessage().contains("com.google.crypto.tink:tink-gcpkms"), refused::getMessage);
    }

    @Test
    void awsKmsRootIsBuiltOnItsOwnClientWhenTheArtifactIsPresent() {
        // Building the client reads the region from the ARN and resolves credentials lazily: no call leaves the JVM.
        RootKey root = RootKeys.fromUri(AWS_KEY);

        assertEquals(AWS_KEY, root.uri());
    }

    @Test
    void gcpKmsRootIsBuiltOnItsOwnClientFromAServiceAccountFile() throws Exception {
        // Credentials from a file, not Application Default Credentials: finding those may probe a
        // metadata server over the network.
        Path credentials = serviceAccountFile();

        RootKey root = RootKeys.fromUri(GCP_KEY, credentials);

        assertEquals(GCP_KEY, root.uri());
    }

    @Test
    void gcpKmsWithAnUnreadableCredentialsFileIsUnavailable() {
        UnavailableException refused = Expect.thrown(UnavailableException.class, ErrorCode.KEY_UNAVAILABLE,
                () -> RootKeys.fromUri(GCP_KEY, dir.resolve("missing.json")));

        assertTrue(refused.getMessage().contains("missing.json"), refused::getMessage);
    }

    private Path ownerOnlyFile(String name, String content) throws IOException {
        Path file = Files.writeString(dir.resolve(name), content);
        if (Files.getFileAttributeView(file, PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        return file;
    }

    private Path serviceAccountFile() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\\n"
                + Base64.getEncoder().encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
                + "\\n-----END PRIVATE KEY-----\\n";
        String json = "{\"type\": \"service_account\", \"project_id\": \"coffer-test\", \"private_key_id\": \"k1\","
                + " \"private_key\": \"" + pem + "\", \"client_email\": \"coffer@coffer-test.iam.gserviceaccount.com\","
                + " \"client_id\": \"1\", \"token_uri\": \"https://oauth2.googleapis.com/token\"}";
        return ownerOnlyFile("service-account.json", json);
    }

    // Sees the JDK but none of the application's jars: how a deployment without the KMS artifact looks.
    private static ClassLoader withoutApplicationClasses() {
        return new ClassLoader(ClassLoader.getPlatformClassLoader()) {};
    }

    private static void assumePosix() {
        Assumptions.assumeTrue(Files.getFileAttributeView(Path.of(System.getProperty("java.io.tmpdir")),
                PosixFileAttributeView.class) != null, "POSIX file permissions are not available here");
    }

    // Every base64 key value in the keyset JSON must be absent from the exception.
    private static void assertNoKeyMaterialIn(Throwable thrown, String json) {
        Matcher m = Pattern.compile("\"value\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        boolean any = false;
        while (m.find()) {
            any = true;
            String rendered = thrown + String.valueOf(thrown.getCause());
            assertFalse(rendered.contains(m.group(1)), "key material in the exception");
        }
        assertTrue(any, "the keyset JSON holds key values");
    }
}
