package dev.coffer.jdbi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.jdbi.testing.TestDatabase;
import dev.coffer.jdbi.testing.UseH2;
import dev.coffer.spi.SecretManager;
import dev.coffer.spi.access.AccessContext;
import dev.coffer.spi.access.Policy;
import dev.coffer.spi.access.Principal;
import dev.coffer.spi.kernel.StandardSecretManager;
import dev.coffer.spi.memory.JdkEnvelope;
import dev.coffer.spi.model.NewSecret;
import dev.coffer.spi.model.NewVersion;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretValue;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.model.VersionState;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.ReadTarget;
import dev.coffer.tck.support.Concurrently;
import dev.coffer.tck.support.Expect;
import dev.coffer.tck.support.NoValueLeaks;
import dev.coffer.tck.support.TestValues;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The embedded default answers repeated reads from a cache ({@link JdbiSecretStore#findForRead}),
 * and that cache is never stale: every change made in this JVM, through either of two
 * {@link CofferDatabase}s on one H2 file, is seen by the other's very next read.
 */
@ExtendWith({UseH2.class, NoValueLeaks.class})
class H2ReadCacheTest {
    private static final String TENANT = "acme";
    private static final SecretPath PATH = SecretPath.parse(TENANT, "prod/payments/db");
    private static final AccessContext ADMIN = AccessContext.of(Principal.of("user:admin", TENANT));

    private CofferDatabase reader;
    private CofferDatabase writer;
    private SecretManager writerKernel;
    private String id;

    @BeforeEach
    void oneSecretTwoInstances() {
        TestDatabase database = UseH2.database();
        reader = database.reset();
        writer = CofferDatabase.open(database.config().toBuilder().migrateOnStart(false).build(), database.protection());
        writer.policyStore().put(TENANT, Policy.allow("admin", List.of("user:admin"), List.of("secrets:*"), List.of("*")),
                BeforeCommit.none());
        writerKernel = StandardSecretManager.builder().secretStore(writer.secretStore()).policyStore(writer.policyStore())
                .auditLog(writer.auditLog()).envelope(new JdkEnvelope(writer.tenantKeyStore())).build();
        id = writerKernel.create(ADMIN, NewSecret.builder(PATH, "payments").build()).id();
        addVersion(true);
    }

    @AfterEach
    void closeTheWriter() {
        writer.close();
    }

    @Test
    void everyKindOfChangeThroughTheWriterIsSeenByTheReadersNextRead() {
        assertEquals(1, current().number().getAsInt());
        assertEquals(1, current().number().getAsInt(), "twice: the second from the cache");
        ReadTarget missing = read(VersionSelector.number(2));
        assertTrue(missing.version().isEmpty(), "version 2 does not exist yet (and that is cached too)");

        addVersion(false);
        assertEquals(VersionState.ENABLED, read(VersionSelector.number(2)).version().orElseThrow().state(), "the new version");
        assertEquals(1, current().number().getAsInt(), "a pending version leaves current alone");

        writerKernel.promote(ADMIN, id, 2, OptionalInt.of(1));
        assertEquals(2, current().number().getAsInt(), "the promotion");

        writerKernel.disable(ADMIN, id, 1);
        assertEquals(VersionState.DISABLED, read(VersionSelector.number(1)).version().orElseThrow().state(), "the disable");

        writerKernel.destroy(ADMIN, id, 1);
        ReadTarget destroyed = read(VersionSelector.number(1));
        assertEquals(VersionState.DESTROYED, destroyed.version().orElseThrow().state(), "the destroy");
        assertTrue(destroyed.sealed().isEmpty(), "no sealed value once destroyed");

        assertTrue(read(VersionSelector.alias("blue")).number().isEmpty(), "no alias 'blue' yet");
        writerKernel.moveAlias(ADMIN, id, "blue", 2, OptionalInt.empty());
        assertEquals(2, read(VersionSelector.alias("blue")).number().getAsInt(), "the alias move");
        writerKernel.removeAlias(ADMIN, id, "blue", OptionalInt.of(2));
        assertTrue(read(VersionSelector.alias("blue")).number().isEmpty(), "the alias removal");

        writerKernel.scheduleDeletion(ADMIN, id, 7);
        assertTrue(read(VersionSelector.number(2)).secret().isPendingDeletion(), "the scheduled deletion");
        writerKernel.restore(ADMIN, id);
        assertFalse(read(VersionSelector.number(2)).secret().isPendingDeletion(), "the restore");
    }

    @Test
    void plainSqlBehindTheStoresIsNotSeenUntilTheNextChangeThroughThem() {
        assertEquals(VersionState.ENABLED, read(VersionSelector.number(1)).version().orElseThrow().state());

        // No other process can write the file: only this JVM's changes count, and this one bypasses the stores.
        UseH2.database().sql().useHandle(h -> h.execute("UPDATE secret_versions SET state = 'DISABLED'"));
        assertEquals(VersionState.ENABLED, read(VersionSelector.number(1)).version().orElseThrow().state(),
                "answered from the cache");

        addVersion(false);
        assertEquals(VersionState.DISABLED, read(VersionSelector.number(1)).version().orElseThrow().state(),
                "any change through a store reloads");
    }

    @Test
    void plainSqlCountedAsAChangeIsSeen() {
        assertEquals(1, current().number().getAsInt(), "cached");

        // TestDatabase.reset empties every table with plain SQL, counted in the shared LocalChanges.
        UseH2.database().reset();
        assertTrue(reader.secretStore().findForRead(PATH, VersionSelector.current()).isEmpty(), "the secret is gone");
    }

    @Test
    void aRolledBackChangeLeavesReadsAsTheDatabaseHoldsThem() {
        int before = current().number().getAsInt();
        IllegalStateException refused = new IllegalStateException("audit refused by the test");
        Expect.thrown(IllegalStateException.class, () -> writer.secretStore().moveAlias(TENANT, id, "current", before,
                OptionalInt.of(before), java.time.Instant.now(), m -> {
                    throw refused;
                }));

        assertEquals(before, current().number().getAsInt());
        addVersion(true);
        assertEquals(before + 1, current().number().getAsInt(), "and the next change is seen");
    }

    @Test
    void eachReadGetsSealedBytesOfItsOwn() {
        ReadTarget first = current();
        byte[] original = first.sealed().orElseThrow().ciphertext().clone();
        first.sealed().orElseThrow().ciphertext()[0] ^= 1; // a careless caller

        assertArrayEquals(original, current().sealed().orElseThrow().ciphertext(), "the cached copy is untouched");
    }

    @Test
    void racingAddsAndReadsNeverServeWhatACommittedChangeReplaced() {
        // Each thread adds a version through the writer and, once the add returned, reads it by
        // number and by 'current' through the reader: neither may come from before the add.
        List<Concurrently.Outcome<Integer>> outcomes = Concurrently.run(8, t -> {
            for (int i = 0; i < 10; i++) {
                int number = addVersion(true);
                if (read(VersionSelector.number(number)).version().isEmpty()) {
                    throw new AssertionError("version " + number + " was added, and the reader does not find it");
                }
                if (current().number().getAsInt() < number) {
                    throw new AssertionError("current was moved to " + number + ", and the reader says " + current().number());
                }
            }
            return t;
        });

        outcomes.forEach(o -> assertTrue(o.succeeded(), () -> String.valueOf(o.failure())));
        assertEquals(81, current().number().getAsInt(), "the first version and the 80 added, the last one current");
    }

    private int addVersion(boolean current) {
        try (SecretValue v = SecretValue.ofUtf8(TestValues.text())) {
            return writerKernel.addVersion(ADMIN, id, current ? NewVersion.current(v) : NewVersion.pending(v)).number();
        }
    }

    private ReadTarget current() {
        return read(VersionSelector.current());
    }

    private ReadTarget read(VersionSelector selector) {
        return reader.secretStore().findForRead(PATH, selector).orElseThrow();
    }
}
