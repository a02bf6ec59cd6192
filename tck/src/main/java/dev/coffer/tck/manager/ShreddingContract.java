package dev.coffer.tck.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretVersion;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.RecordingEnvelope;
import dev.coffer.tck.support.TestValues;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Crypto-shredding: when a value goes, the envelope is told to release the key material it holds
 * for it ({@link dev.coffer.spi.crypto.Envelope#shred}), once per value, and only once the change
 * is made. {@code destroy} shreds the destroyed version; {@code purge} and {@code forceDelete}
 * shred every version that still had a value (not those destroyed before); a refused destroy,
 * disable and enable shred nothing. Needs {@link dev.coffer.tck.ManagerFixture#recordingEnvelope()};
 * skipped without it. Part of {@link dev.coffer.tck.SecretManagerContract}.
 */
public abstract class ShreddingContract extends ManagerContractBase {

    private RecordingEnvelope envelope() {
        Optional<RecordingEnvelope> envelope = fixture().recordingEnvelope();
        Assumptions.assumeTrue(envelope.isPresent(), "the fixture does not record the envelope's calls");
        return envelope.get();
    }

    /** A secret with versions 1 (current), 2 and 3 (pending). */
    private Secret secretWithThreeVersions(String environmentAndPath) {
        Secret secret = createSecret(environmentAndPath);
        addCurrent(secret.id(), TestValues.text());
        addPending(secret.id(), TestValues.text());
        addPending(secret.id(), TestValues.text());
        return secret;
    }

    /** Version number to how many times it was shredded. */
    private static Map<Integer, Long> counts(List<Integer> versions) {
        return versions.stream().collect(Collectors.groupingBy(v -> v, java.util.TreeMap::new, Collectors.counting()));
    }

    @Test
    void destroyShredsTheDestroyedVersionOnceWithItsKey() {
        RecordingEnvelope envelope = envelope();
        Secret secret = secretWithThreeVersions("prod/shred/destroy");
        SecretPath path = secret.path();
        String keyId = manager().versions(admin(), secret.id()).stream().filter(v -> v.number() == 2).findFirst()
                .map(SecretVersion::keyId).orElseThrow();

        manager().destroy(admin(), secret.id(), 2);

        assertEquals(List.of(2), envelope.shreddedVersions(path), () -> "rule: SecretManager.destroy(" + path
                + ", version 2) calls Envelope.shred once, for version 2 only; shred calls " + envelope.shreds());
        assertEquals(keyId, envelope.shreds().stream().filter(s -> s.binding().path().equals(path)).findFirst()
                .orElseThrow().keyId(), () -> "rule: SecretManager.destroy hands Envelope.shred the destroyed version's"
                + " sealed value (key id " + keyId + " of version 2 of " + path + ")");
    }

    @Test
    void disableEnableAndARefusedDestroyShredNothing() {
        RecordingEnvelope envelope = envelope();
        Secret secret = secretWithThreeVersions("prod/shred/refused");
        SecretPath path = secret.path();

        manager().disable(admin(), secret.id(), 2);
        manager().enable(admin(), secret.id(), 2);
        Expect.thrown(ConflictException.class, ErrorCode.VERSION_IS_CURRENT, () -> manager().destroy(admin(), secret.id(), 1),
                () -> "rule: SecretManager.destroy of the current version (1 of " + path + ") fails with VERSION_IS_CURRENT");

        assertEquals(List.of(), envelope.shreddedVersions(path), () -> "rule: disable, enable and a refused destroy"
                + " (VERSION_IS_CURRENT, version 1 of " + path + ") call no Envelope.shred: a value that stays must keep"
                + " its keys; shred calls " + envelope.shreds());
        try (var content = manager().read(admin(), path, VersionSelector.current())) {
            assertEquals(1, content.version(),
                    () -> "rule: a refused destroy leaves the current version readable (SecretManager.read of " + path + ")");
        }
    }

    @Test
    void purgeShredsEveryVersionThatStillHadAValueOnce() {
        requirePurge();
        RecordingEnvelope envelope = envelope();
        Secret secret = secretWithThreeVersions("prod/shred/purge");
        SecretPath path = secret.path();
        manager().destroy(admin(), secret.id(), 3);
        manager().scheduleDeletion(admin(), secret.id(), 7);
        clock().advance(Duration.ofDays(7));

        manager().purge(admin(), secret.id());

        assertEquals(Map.of(1, 1L, 2, 1L, 3, 1L), counts(envelope.shreddedVersions(path)), () -> "rule: SecretManager.purge("
                + path + ") calls Envelope.shred once per version that still had a value (1 and 2), and never again for"
                + " version 3, shredded by its destroy; shred calls " + envelope.shreds());
    }

    @Test
    void forceDeleteShredsEveryVersionThatStillHadAValueOnce() {
        RecordingEnvelope envelope = envelope();
        Secret secret = secretWithThreeVersions("prod/shred/force");
        SecretPath path = secret.path();
        manager().destroy(admin(), secret.id(), 2);

        manager().forceDelete(admin(), secret.id());

        assertEquals(Map.of(1, 1L, 2, 1L, 3, 1L), counts(envelope.shreddedVersions(path)), () -> "rule: SecretManager.forceDelete("
                + path + ") calls Envelope.shred once per version that still had a value (1 and 3), and never again for"
                + " version 2, shredded by its destroy; shred calls " + envelope.shreds());
    }
}
