package dev.coffer.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.VersionRecord;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.model.VersionState;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.ReadTarget;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * {@link SecretStoreContract}: {@code findForRead} — what one read needs, in one call, equal to
 * what the separate lookups ({@code findSecretByPath}, {@code aliases}, {@code findVersion},
 * {@code loadSealedValue}) answer one after the other, in every state a read can meet.
 */
abstract class SecretStoreReadTests extends SecretStoreTestSupport {

    @Test
    void byNumberAnswersTheSecretTheRecordAndTheSealedValue() {
        Secret secret = create("prod", "reads/by-number");
        VersionRecord first = addCurrent(secret, at(1));
        addCurrent(secret, at(2));

        ReadTarget target = readAndCompare(secret.path(), VersionSelector.number(1));

        assertEquals(reload(secret), target.secret(), "rule: findForRead answers the secret as stored at the path");
        assertEquals(OptionalInt.of(1), target.number(), "rule: findForRead by number 1 resolves to 1");
        assertEquals(Optional.of(first), target.version(), "rule: findForRead by number 1 answers version 1's record");
        assertEquals(store.loadSealedValue(TENANT, secret.id(), 1), target.sealed(),
                "rule: findForRead by number 1 answers version 1's sealed value, byte for byte");
        assertTrue(target.sealed().isPresent(), "rule: an enabled version comes with its sealed value");
    }

    @Test
    void byAliasResolvesCurrentPreviousNextAndNamedAliases() {
        Secret secret = create("prod", "reads/by-alias");
        addCurrent(secret, at(1));
        addCurrent(secret, at(2));
        addCurrent(secret, at(3));
        addPending(secret, at(4));
        move(secret, Aliases.NEXT, 4, OptionalInt.empty(), at(5));
        move(secret, "blue", 1, OptionalInt.empty(), at(6));

        List<List<Object>> expected = List.of(List.of(Aliases.CURRENT, 3), List.of(Aliases.PREVIOUS, 2),
                List.of(Aliases.NEXT, 4), List.of("blue", 1));
        for (List<Object> aliasAndNumber : expected) {
            String alias = (String) aliasAndNumber.get(0);
            int number = (Integer) aliasAndNumber.get(1);
            ReadTarget target = readAndCompare(secret.path(), VersionSelector.alias(alias));
            assertEquals(OptionalInt.of(number), target.number(),
                    "rule: findForRead by alias " + alias + " resolves to the version it points at, " + number);
            assertEquals(number, target.version().orElseThrow(() -> new AssertionError(
                    "rule: findForRead by alias " + alias + " answers the record of version " + number)).number(),
                    "rule: the record findForRead answers is the one of the resolved number");
            assertEquals(store.loadSealedValue(TENANT, secret.id(), number), target.sealed(),
                    "rule: findForRead by alias " + alias + " answers version " + number + "'s sealed value");
        }
    }

    @Test
    void anUnsetAliasAnswersTheSecretWithoutANumber() {
        Secret secret = create("prod", "reads/unset-alias");
        addCurrent(secret, at(1));

        for (String alias : List.of(Aliases.NEXT, Aliases.PREVIOUS, "blue")) {
            ReadTarget target = readAndCompare(secret.path(), VersionSelector.alias(alias));
            assertEquals(ReadTarget.unsetAlias(reload(secret)), target,
                    "rule: findForRead by the unset alias " + alias + " answers the secret with no number, record or sealed value");
        }
    }

    @Test
    void aSecretWithoutVersionsHasNoCurrent() {
        Secret secret = create("prod", "reads/no-versions");

        assertEquals(ReadTarget.unsetAlias(reload(secret)), readAndCompare(secret.path(), VersionSelector.current()),
                "rule: findForRead of current on a secret without versions answers the secret with no number");
    }

    @Test
    void aMissingVersionAnswersTheNumberWithoutARecord() {
        Secret secret = create("prod", "reads/missing-version");
        addCurrent(secret, at(1));

        ReadTarget target = readAndCompare(secret.path(), VersionSelector.number(7));

        assertEquals(ReadTarget.missingVersion(reload(secret), 7), target,
                "rule: findForRead of version 7 of a secret with one version answers the secret and 7, no record");
    }

    @Test
    void aDisabledVersionComesWithItsRecordAndSealedValue() {
        Secret secret = create("prod", "reads/disabled");
        addCurrent(secret, at(1));
        addCurrent(secret, at(2));
        store.transitionVersion(TENANT, secret.id(), 1, VersionState.ENABLED, VersionState.DISABLED, BeforeCommit.none());

        ReadTarget target = readAndCompare(secret.path(), VersionSelector.alias(Aliases.PREVIOUS));

        assertEquals(VersionState.DISABLED, target.version().map(VersionRecord::state).orElse(null),
                "rule: findForRead answers a disabled version's record, state DISABLED (the kernel refuses it)");
        assertTrue(target.sealed().isPresent(), "rule: a disabled version still holds its sealed value");
    }

    @Test
    void aDestroyedVersionComesWithoutASealedValue() {
        Secret secret = create("prod", "reads/destroyed");
        addCurrent(secret, at(1));
        addCurrent(secret, at(2));
        store.transitionVersion(TENANT, secret.id(), 1, VersionState.ENABLED, VersionState.DESTROYED, BeforeCommit.none());

        for (VersionSelector selector : List.of(VersionSelector.number(1), VersionSelector.alias(Aliases.PREVIOUS))) {
            ReadTarget target = readAndCompare(secret.path(), selector);
            assertEquals(VersionState.DESTROYED, target.version().map(VersionRecord::state).orElse(null),
                    "rule: findForRead " + selector + " answers the destroyed version's record");
            assertEquals(Optional.empty(), target.sealed(), "rule: a destroyed version has no sealed value (" + selector + ")");
        }
    }

    @Test
    void aSecretPendingDeletionIsFoundLikeAnyOther() {
        Secret secret = create("prod", "reads/pending-deletion");
        addCurrent(secret, at(1));
        store.updateSecret(TENANT, secret.id(), stored -> stored.withDeletionScheduledAt(at(3600), at(2)), BeforeCommit.none());

        ReadTarget target = readAndCompare(secret.path(), VersionSelector.current());

        assertTrue(target.secret().isPendingDeletion(),
                "rule: findForRead finds a secret pending deletion, with its deletionScheduledAt (the kernel refuses it)");
        assertEquals(OptionalInt.of(1), target.number(), "rule: current of a secret pending deletion still resolves");
    }

    @Test
    void aPathOfAnotherTenantIsNotFound() {
        Secret secret = create("prod", "reads/tenants");
        addCurrent(secret, at(1));
        Secret others = create(OTHER_TENANT, "prod", "reads/only-theirs");
        addCurrent(others, at(1));

        assertEquals(Optional.empty(), read(SecretPath.of(OTHER_TENANT, "prod", "reads/tenants"), VersionSelector.current()),
                "rule: findForRead is scoped to the path's tenant; " + TENANT + "'s secret is not found under " + OTHER_TENANT);
        assertEquals(Optional.empty(), read(SecretPath.of(TENANT, "prod", "reads/only-theirs"), VersionSelector.number(1)),
                "rule: findForRead is scoped to the path's tenant; " + OTHER_TENANT + "'s secret is not found under " + TENANT);
    }

    @Test
    void aMissingSecretIsEmpty() {
        create("prod", "reads/present");

        for (VersionSelector selector : List.of(VersionSelector.current(), VersionSelector.number(1))) {
            assertEquals(Optional.empty(), read(SecretPath.of(TENANT, "prod", "reads/absent"), selector),
                    "rule: findForRead of a path without a secret is empty (" + selector + ")");
            assertEquals(Optional.empty(), read(SecretPath.of(TENANT, "staging", "reads/present"), selector),
                    "rule: findForRead matches the environment exactly (" + selector + ")");
        }
    }

    @Test
    void aliasesAndVersionsOfAnotherSecretAreNeverAnswered() {
        Secret one = create("prod", "reads/one");
        addCurrent(one, at(1));
        Secret two = create("prod", "reads/two");
        addCurrent(two, at(1));
        addCurrent(two, at(2));
        move(one, "blue", 1, OptionalInt.empty(), at(3));

        assertEquals(OptionalInt.of(2), readAndCompare(two.path(), VersionSelector.current()).number(),
                "rule: findForRead resolves current of " + two.path() + " on that secret (2), not on another");
        assertEquals(ReadTarget.unsetAlias(reload(two)), readAndCompare(two.path(), VersionSelector.alias("blue")),
                "rule: an alias set on another secret is unset on this one");
        assertEquals(store.loadSealedValue(TENANT, two.id(), 1), readAndCompare(two.path(), VersionSelector.number(1)).sealed(),
                "rule: version 1 of " + two.path() + " comes with its own sealed value, not another secret's");
    }

    private Optional<ReadTarget> read(SecretPath path, VersionSelector selector) {
        Optional<ReadTarget> answer = store.findForRead(path, selector);
        assertEquals(separately(path, selector), answer, "rule: findForRead(" + path + ", " + selector
                + ") answers what findSecretByPath, aliases, findVersion and loadSealedValue answer one after the other");
        return answer;
    }

    private ReadTarget readAndCompare(SecretPath path, VersionSelector selector) {
        return read(path, selector).orElseThrow(() -> new AssertionError(
                "rule: findForRead(" + path + ", " + selector + ") finds the secret at the path"));
    }

    // The separate lookups a read made before findForRead, composed here rather than taken from
    // the SPI's default so that a store overriding both the same wrong way is still caught.
    private Optional<ReadTarget> separately(SecretPath path, VersionSelector selector) {
        Optional<Secret> secret = store.findSecretByPath(path);
        if (secret.isEmpty()) {
            return Optional.empty();
        }
        String id = secret.get().id();
        OptionalInt number = selector instanceof VersionSelector.ByNumber n ? OptionalInt.of(n.number())
                : store.aliases(path.tenant(), id).get(((VersionSelector.ByAlias) selector).name());
        if (number.isEmpty()) {
            return Optional.of(ReadTarget.unsetAlias(secret.get()));
        }
        Optional<VersionRecord> record = store.findVersion(path.tenant(), id, number.getAsInt());
        if (record.isEmpty()) {
            return Optional.of(ReadTarget.missingVersion(secret.get(), number.getAsInt()));
        }
        Optional<SealedValue> sealed = store.loadSealedValue(path.tenant(), id, number.getAsInt());
        return Optional.of(ReadTarget.of(secret.get(), record.get(), sealed));
    }
}
