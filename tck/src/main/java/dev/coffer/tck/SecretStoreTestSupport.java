package dev.coffer.tck;

import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.VersionRecord;
import dev.coffer.spi.store.AliasMove;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.SecretStore;
import dev.coffer.spi.store.VersionSealer;
import dev.coffer.tck.support.NoValueLeaks;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the parts of {@link SecretStoreContract} share: a fresh store per test and builders for
 * secrets, sealed values and versions. Sealed values are random bytes: a store never looks inside
 * them, so no envelope is needed.
 */
@ExtendWith(NoValueLeaks.class)
abstract class SecretStoreTestSupport {
    static final String TENANT = "tck-acme";
    static final String OTHER_TENANT = "tck-other";
    static final String WRITER = "user:tck-writer";
    static final String KEY_ID = "tck-key-1";
    /** Microsecond precision: what durable stores keep. */
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    /** The store under test, fresh and empty for every test. */
    SecretStore store;

    /** Supplies a fresh, empty store; wired to {@link SecretStoreContract#newStore()}. */
    abstract SecretStore freshStore();

    @BeforeEach
    final void openStore() {
        store = Objects.requireNonNull(freshStore(), "newStore() returned null");
    }

    @AfterEach
    final void closeStore() throws Exception {
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    static String newId() {
        StringBuilder id = new StringBuilder("sec_");
        for (int i = 0; i < 26; i++) {
            id.append(BASE32[RANDOM.nextInt(BASE32.length)]);
        }
        return id.toString();
    }

    static Secret secret(String tenant, String environment, String path) {
        return new Secret(newId(), SecretPath.of(tenant, environment, path), "tck-team", "made by the TCK",
                Secret.ROTATION_MANUAL_OVERLAP, Duration.ofDays(90), Map.of("tier", "gold"), T0, T0, null, null);
    }

    Secret create(String environment, String path) {
        return create(TENANT, environment, path);
    }

    Secret create(String tenant, String environment, String path) {
        return store.createSecret(secret(tenant, environment, path), BeforeCommit.none());
    }

    Secret reload(Secret secret) {
        return store.findSecret(secret.path().tenant(), secret.id()).orElseThrow(
                () -> new AssertionError("secret " + secret.id() + " should exist"));
    }

    static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    static SealedValue randomSealed() {
        return new SealedValue(randomBytes(48), randomBytes(40), KEY_ID);
    }

    /** A sealer that returns fresh random bytes whatever the number. */
    static VersionSealer sealer() {
        return number -> randomSealed();
    }

    VersionRecord addPending(Secret secret) {
        return addPending(secret, T0);
    }

    VersionRecord addPending(Secret secret, Instant now) {
        return store.addVersion(secret.path().tenant(), secret.id(), sealer(), WRITER, now, null, false,
                BeforeCommit.none());
    }

    VersionRecord addCurrent(Secret secret, Instant now) {
        return store.addVersion(secret.path().tenant(), secret.id(), sealer(), WRITER, now, null, true,
                BeforeCommit.none());
    }

    AliasMove move(Secret secret, String alias, int target, OptionalInt expected, Instant now) {
        return store.moveAlias(secret.path().tenant(), secret.id(), alias, target, expected, now, BeforeCommit.none());
    }

    /** A hook that always throws {@code failure}, standing in for an audit append that fails. */
    static <T> BeforeCommit<T> failing(RuntimeException failure) {
        return result -> {
            throw failure;
        };
    }

    /** The failure the failing hooks throw; tests check the store rethrows this very instance. */
    static IllegalStateException hookFailure() {
        return new IllegalStateException("hook failure injected by the TCK");
    }
}
