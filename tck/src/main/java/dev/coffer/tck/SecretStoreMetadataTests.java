package dev.coffer.tck;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.SecretUpdate;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.tck.support.Hooks;
import dev.coffer.tck.support.Expect;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link SecretStoreContract}: secrets as metadata — create, find, update, list, delete, tenants. */
abstract class SecretStoreMetadataTests extends SecretStoreTestSupport {

    @Test
    void createdSecretIsFoundByIdAndByPath() {
        Secret wanted = secret(TENANT, "prod", "payments/stripe-api-key");

        Secret created = store.createSecret(wanted, BeforeCommit.none());

        assertEquals(wanted, created, () -> "rule: createSecret returns the secret as given; " + wanted.path());
        assertEquals(wanted, store.findSecret(TENANT, wanted.id()).orElseThrow(),
                () -> "rule: findSecret(tenant, id) returns the created secret; id " + wanted.id());
        assertEquals(wanted, store.findSecretByPath(wanted.path()).orElseThrow(),
                () -> "rule: findSecretByPath returns the created secret; " + wanted.path());
    }

    @Test
    void unknownIdAndPathAreNotFound() {
        create("prod", "payments/stripe-api-key");

        String unknown = newId();
        assertTrue(store.findSecret(TENANT, unknown).isEmpty(),
                () -> "rule: findSecret of an id never created is empty; id " + unknown);
        SecretPath otherPath = SecretPath.of(TENANT, "prod", "payments/other");
        assertTrue(store.findSecretByPath(otherPath).isEmpty(),
                () -> "rule: findSecretByPath of a path never created is empty; " + otherPath);
        SecretPath otherEnvironment = SecretPath.of(TENANT, "dev", "payments/stripe-api-key");
        assertTrue(store.findSecretByPath(otherEnvironment).isEmpty(),
                () -> "rule: findSecretByPath matches the environment too; only prod has the path, asked "
                        + otherEnvironment);
    }

    @Test
    void createOnTakenPathFailsWithSecretExists() {
        Secret first = create("prod", "payments/stripe-api-key");
        Secret second = secret(TENANT, "prod", "payments/stripe-api-key");

        Expect.thrown(ConflictException.class, ErrorCode.SECRET_EXISTS,
                () -> store.createSecret(second, BeforeCommit.none()),
                () -> "rule: createSecret on a taken path fails with SECRET_EXISTS; " + second.path() + " is held by "
                        + first.id());

        assertEquals(first, store.findSecretByPath(first.path()).orElseThrow(),
                () -> "rule: a refused createSecret leaves the secret at " + first.path() + " as it was");
        assertTrue(store.findSecret(TENANT, second.id()).isEmpty(),
                () -> "rule: a refused createSecret stores nothing; id " + second.id() + " must not be found");
    }

    @Test
    void createWithAnIdTakenAtAnotherPathFailsWithSecretExists() {
        Secret created = create("prod", "payments/stripe-api-key");
        addCurrent(created, at(1));
        Secret first = reload(created);
        Secret sameId = new Secret(first.id(), SecretPath.of(TENANT, "dev", "payments/other"), "tck-team", "same id, other path",
                Secret.ROTATION_MANUAL_OVERLAP, java.time.Duration.ofDays(90), Map.of(), T0, T0, null, null);

        Expect.thrown(ConflictException.class, ErrorCode.SECRET_EXISTS,
                () -> store.createSecret(sameId, BeforeCommit.none()),
                () -> "rule: ids are unique per tenant; createSecret of id " + first.id() + " at " + sameId.path()
                        + " fails with SECRET_EXISTS while the id is held at " + first.path());

        assertTrue(store.findSecretByPath(sameId.path()).isEmpty(),
                () -> "rule: a refused createSecret stores nothing; findSecretByPath(" + sameId.path() + ") must be empty");
        assertEquals(first, store.findSecret(TENANT, first.id()).orElseThrow(),
                () -> "rule: a refused createSecret leaves the secret holding the id as it was; findSecret(" + first.id()
                        + ") returns it at " + first.path());
        assertEquals(first, store.findSecretByPath(first.path()).orElseThrow(),
                () -> "rule: a refused createSecret leaves " + first.path() + " with secret " + first.id());
        assertEquals(1, store.listVersions(TENANT, first.id()).size(),
                () -> "rule: a refused createSecret leaves the versions of " + first.id() + " alone (one version)");
    }

    @Test
    void createOnPathPendingDeletionFailsWithSecretExists() {
        Secret first = create("prod", "payments/stripe-api-key");
        store.updateSecret(first.withDeletionScheduledAt(at(30 * 86400), at(1)), BeforeCommit.none());

        Expect.thrown(ConflictException.class, ErrorCode.SECRET_EXISTS,
                () -> store.createSecret(secret(TENANT, "prod", "payments/stripe-api-key"), BeforeCommit.none()),
                () -> "rule: a secret pending deletion still holds its path; createSecret on " + first.path()
                        + " fails with SECRET_EXISTS");

        assertEquals(first.id(), store.findSecretByPath(first.path()).orElseThrow().id(),
                () -> "rule: a refused createSecret leaves " + first.path() + " with secret " + first.id());
    }

    @Test
    void samePathIsFreeInAnotherEnvironmentAndAnotherTenant() {
        Secret prod = create("prod", "payments/stripe-api-key");
        Secret dev = create("dev", "payments/stripe-api-key");
        Secret other = create(OTHER_TENANT, "prod", "payments/stripe-api-key");

        for (Secret each : List.of(prod, dev, other)) {
            assertEquals(each, store.findSecretByPath(each.path()).orElseThrow(),
                    () -> "rule: a path is unique per tenant and environment only; findSecretByPath(" + each.path()
                            + ") returns its own secret " + each.id());
        }
    }

    @Test
    void idOfAnotherTenantIsNotFound() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(1));
        String id = secret.id();
        String scope = " is scoped to the tenant; id " + id + " of " + TENANT + " asked as " + OTHER_TENANT;

        assertTrue(store.findSecret(OTHER_TENANT, id).isEmpty(), () -> "rule: findSecret" + scope);
        assertTrue(store.listVersions(OTHER_TENANT, id).isEmpty(), () -> "rule: listVersions" + scope);
        assertTrue(store.findVersion(OTHER_TENANT, id, 1).isEmpty(), () -> "rule: findVersion" + scope);
        assertTrue(store.loadSealedValue(OTHER_TENANT, id, 1).isEmpty(), () -> "rule: loadSealedValue" + scope);
        assertTrue(store.aliases(OTHER_TENANT, id).byName().isEmpty(), () -> "rule: aliases" + scope);
        assertTrue(store.listSecrets(OTHER_TENANT, SecretFilter.all(), PageRequest.first()).items().isEmpty(),
                () -> "rule: listSecrets lists only the tenant's own secrets; " + OTHER_TENANT + " has none");
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> store.addVersion(OTHER_TENANT, id, sealer(), WRITER, at(2), null, true, BeforeCommit.none()),
                () -> "rule: addVersion" + scope + " (SECRET_NOT_FOUND)");
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> store.deleteSecret(OTHER_TENANT, id, BeforeCommit.none()),
                () -> "rule: deleteSecret" + scope + " (SECRET_NOT_FOUND)");
        Expect.thrown(NotFoundException.class,
                () -> store.moveAlias(OTHER_TENANT, id, "canary", 1, OptionalInt.empty(), at(2), BeforeCommit.none()),
                () -> "rule: moveAlias" + scope + " (NotFoundException)");

        assertEquals(1, store.listVersions(TENANT, id).size(),
                () -> "rule: calls as another tenant change nothing; " + id + " keeps its one version");
        assertEquals(id, reload(secret).id(), () -> "rule: calls as another tenant change nothing; " + id + " stays");
    }

    @Test
    void updateReplacesMetadataAndKeepsIdentity() {
        Secret secret = create("prod", "payments/stripe-api-key");
        Secret changed = SecretUpdate.none().withOwnerTeam("platform").withDescription("rotated by hand")
                .withLabels(Map.of("tier", "silver")).applyTo(secret, at(5));

        Secret updated = store.updateSecret(changed, BeforeCommit.none());

        assertEquals(changed, updated, "rule: updateSecret(Secret, hook) returns the secret with the caller's"
                + " ownerTeam, description, labels and updatedAt");
        assertEquals(changed, reload(secret), () -> "rule: updateSecret(Secret, hook) is stored; findSecret("
                + secret.id() + ") returns the updated secret");
        assertEquals(changed, store.findSecretByPath(secret.path()).orElseThrow(),
                () -> "rule: updateSecret(Secret, hook) keeps the path; findSecretByPath(" + secret.path()
                        + ") returns the updated secret");
    }

    @Test
    void updateOfUnknownSecretFailsWithSecretNotFound() {
        Secret unknown = secret(TENANT, "prod", "payments/nowhere");
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> store.updateSecret(unknown, BeforeCommit.none()),
                () -> "rule: updateSecret(Secret, hook) of a secret never created fails with SECRET_NOT_FOUND; id "
                        + unknown.id());
    }

    @Test
    void changeIsAppliedToTheStoredSecret() {
        Secret secret = create("prod", "payments/merge");
        store.updateSecret(SecretUpdate.none().withLabels(Map.of("team", "payments")).applyTo(secret, at(2)), BeforeCommit.none());
        Secret updated = store.updateSecret(TENANT, secret.id(),
                stored -> SecretUpdate.none().withLabelsPut(Map.of("tier", "0")).applyTo(stored, at(3)), BeforeCommit.none());
        assertEquals(Map.of("team", "payments", "tier", "0"), updated.labels(), "rule: updateSecret(tenant, id,"
                + " change, hook) applies change to the secret as stored (label team=payments kept, tier=0 put)");
        assertEquals(updated, reload(secret),
                "rule: updateSecret(tenant, id, change, hook) stores and returns the same secret");
    }

    @Test
    void changeThatThrowsOrAFailingHookChangesNothing() {
        Secret secret = create("prod", "payments/refused");
        Expect.thrown(InvalidRequestException.class, () -> store.updateSecret(TENANT, secret.id(), stored -> {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "refused by the caller");
        }, BeforeCommit.none()), () -> "rule: updateSecret(tenant, id, change, hook) passes the exception change throws"
                + " to the caller; secret " + secret.id());
        Expect.thrown(IllegalStateException.class, () -> store.updateSecret(TENANT, secret.id(),
                stored -> SecretUpdate.none().withDescription("never").applyTo(stored, at(4)), updated -> {
                    throw new IllegalStateException("audit failed");
                }), () -> "rule: updateSecret(tenant, id, change, hook) passes the hook's exception to the caller;"
                        + " secret " + secret.id());
        assertEquals(secret, reload(secret), () -> "rule: updateSecret(tenant, id, change, hook) whose change or hook"
                + " throws changes nothing; secret " + secret.id());
    }

    @Test
    void changeMayNotMoveTheSecret() {
        Secret secret = create("prod", "payments/stays");
        Expect.thrown(InvalidRequestException.class, () -> store.updateSecret(TENANT, secret.id(),
                stored -> secret(TENANT, "prod", "payments/elsewhere"), BeforeCommit.none()),
                () -> "rule: updateSecret(tenant, id, change, hook) refuses a change that returns another id or path;"
                        + " secret " + secret.id() + " at " + secret.path());
        assertEquals(secret, reload(secret), () -> "rule: a refused updateSecret(tenant, id, change, hook) changes"
                + " nothing; secret " + secret.id());
    }

    @Test
    void changeOfUnknownSecretFailsWithSecretNotFound() {
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> store.updateSecret(TENANT, "sec_unknown", stored -> stored, BeforeCommit.none()),
                () -> "rule: updateSecret(tenant, id, change, hook) of an unknown id fails with SECRET_NOT_FOUND;"
                        + " id sec_unknown");
        Secret secret = create("prod", "payments/mine");
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> store.updateSecret(OTHER_TENANT, secret.id(), stored -> stored, BeforeCommit.none()),
                () -> "rule: updateSecret(tenant, id, change, hook) is scoped to the tenant (SECRET_NOT_FOUND); id "
                        + secret.id() + " of " + TENANT + " asked as " + OTHER_TENANT);
    }

    @Test
    void concurrentChangesEachSeeTheOthersResult() throws Exception {
        Secret secret = create("prod", "payments/contended");
        int writers = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<Secret>> changes = new ArrayList<>();
        try {
            for (int i = 0; i < writers; i++) {
                String key = "k" + i;
                changes.add(pool.submit(() -> {
                    start.await();
                    return store.updateSecret(TENANT, secret.id(),
                            stored -> SecretUpdate.none().withLabelsPut(Map.of(key, "v")).applyTo(stored, at(6)), BeforeCommit.none());
                }));
            }
            start.countDown();
            for (java.util.concurrent.Future<Secret> change : changes) {
                change.get();
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, String> expected = new java.util.HashMap<>(secret.labels());
        for (int i = 0; i < writers; i++) {
            expected.put("k" + i, "v");
        }
        assertEquals(expected, reload(secret).labels(), "a concurrent change was lost");
    }

    @Test
    void listOrdersByEnvironmentThenPath() {
        create("prod", "web/key");
        create("dev", "web/key");
        create("staging", "app/db");
        create("prod", "app/db");
        create("dev", "app/key");
        create("prod", "app/key");

        assertEquals(List.of("dev/app/key", "dev/web/key", "prod/app/db", "prod/app/key", "prod/web/key", "staging/app/db"),
                names(store.listSecrets(TENANT, SecretFilter.all(), PageRequest.first())),
                "rule: listSecrets orders by environment, then path");
    }

    @Test
    void listFiltersByEnvironment() {
        create("prod", "web/key");
        create("dev", "web/key");
        create("prod", "app/db");

        assertEquals(List.of("prod/app/db", "prod/web/key"),
                names(store.listSecrets(TENANT, SecretFilter.environment("prod"), PageRequest.first())),
                "rule: listSecrets with environment 'prod' lists only that environment's secrets");
    }

    @Test
    void listFiltersByPathPrefix() {
        create("prod", "payments/stripe");
        create("prod", "payments/adyen");
        create("prod", "paymentsx/old");
        create("prod", "search/key");
        create("dev", "payments/stripe");

        assertEquals(List.of("dev/payments/stripe", "prod/payments/adyen", "prod/payments/stripe"),
                names(store.listSecrets(TENANT, new SecretFilter(null, "payments/"), PageRequest.first())),
                "rule: listSecrets with path prefix 'payments/' matches it in every environment, not 'paymentsx/'");
        assertEquals(List.of("prod/payments/adyen", "prod/payments/stripe"),
                names(store.listSecrets(TENANT, new SecretFilter("prod", "payments/"), PageRequest.first())),
                "rule: listSecrets with environment 'prod' and path prefix 'payments/' applies both filters");
    }

    @Test
    void listIncludesSecretsPendingDeletion() {
        // Operators must see them, and key rotation rewraps what the listing returns.
        Secret pending = create("prod", "payments/stripe-api-key");
        store.updateSecret(pending.withDeletionScheduledAt(at(30 * 86400), at(1)), BeforeCommit.none());

        Page<Secret> page = store.listSecrets(TENANT, SecretFilter.all(), PageRequest.first());

        assertEquals(List.of(pending.id()), page.items().stream().map(Secret::id).toList(),
                () -> "rule: listSecrets includes secrets pending deletion; " + pending.id() + " is scheduled");
        assertEquals(at(30 * 86400), page.items().get(0).deletionScheduledAt(),
                () -> "rule: listSecrets reports deletionScheduledAt as stored; secret " + pending.id());
    }

    @Test
    void listOfTenantWithoutSecretsIsEmptyWithoutNextPage() {
        create(OTHER_TENANT, "prod", "web/key");

        Page<Secret> page = store.listSecrets(TENANT, SecretFilter.all(), PageRequest.first());

        assertTrue(page.items().isEmpty(), "rule: listSecrets of a tenant without secrets returns no items;"
                + " only " + OTHER_TENANT + " has one");
        assertNull(page.nextPageToken(), "rule: listSecrets of a tenant without secrets returns no nextPageToken");
    }

    @Test
    void paginationReturnsEverySecretOnceInOrder() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            String path = "svc/key" + (char) ('a' + i);
            create(i % 2 == 0 ? "prod" : "dev", path);
        }
        for (String env : List.of("dev", "prod")) {
            for (int i = 0; i < 23; i++) {
                if ((i % 2 == 0) == env.equals("prod")) {
                    expected.add(env + "/svc/key" + (char) ('a' + i));
                }
            }
        }

        List<String> seen = new ArrayList<>();
        PageRequest request = PageRequest.first(5);
        int pages = 0;
        while (true) {
            Page<Secret> page = store.listSecrets(TENANT, SecretFilter.all(), request);
            assertTrue(page.items().size() <= 5, "a page holds at most the requested number of items");
            seen.addAll(names(page));
            pages++;
            assertTrue(pages <= 10, "pagination must end");
            if (page.nextPageToken() == null) {
                break;
            }
            request = request.next(page.nextPageToken());
        }

        assertEquals(expected, seen, "rule: listSecrets pages of 5, followed by nextPageToken, return every secret"
                + " once in listing order (environment, then path)");
        assertEquals(seen.size(), new HashSet<>(seen).size(), "no secret may appear twice");
    }

    @Test
    void paginationWithFilterStaysWithinFilter() {
        for (int i = 0; i < 7; i++) {
            create("prod", "svc/key" + i);
            create("dev", "svc/key" + i);
        }

        Set<String> seen = new HashSet<>();
        PageRequest request = PageRequest.first(3);
        String token;
        do {
            Page<Secret> page = store.listSecrets(TENANT, SecretFilter.environment("dev"), request);
            for (String name : names(page)) {
                assertTrue(name.startsWith("dev/"), () -> name + " is outside the filter");
                assertTrue(seen.add(name), () -> name + " appeared twice");
            }
            token = page.nextPageToken();
            request = token == null ? request : request.next(token);
        } while (token != null);

        assertEquals(7, seen.size(),
                "rule: listSecrets pages of 3 with environment 'dev' return all 7 dev secrets");
    }

    @Test
    void malformedPageTokenFailsAsInvalidRequest() {
        create("prod", "web/key");

        Expect.thrown(InvalidRequestException.class,
                () -> store.listSecrets(TENANT, SecretFilter.all(), new PageRequest("%%not-a-token-of-this-store%%", 10)),
                () -> "rule: listSecrets with a page token this store did not issue fails with InvalidRequestException;"
                        + " token %%not-a-token-of-this-store%%");
    }

    @Test
    void deleteFreesThePathAndRemovesVersionsAndAliases() {
        Secret secret = create("prod", "payments/stripe-api-key");
        addCurrent(secret, at(1));
        addPending(secret, at(2));
        move(secret, "canary", 2, OptionalInt.empty(), at(3));

        store.deleteSecret(TENANT, secret.id(), BeforeCommit.none());

        String gone = " after deleteSecret of " + secret.id() + " (" + secret.path() + ")";
        assertTrue(store.findSecret(TENANT, secret.id()).isEmpty(), () -> "rule: findSecret is empty" + gone);
        assertTrue(store.findSecretByPath(secret.path()).isEmpty(), () -> "rule: findSecretByPath is empty" + gone);
        assertTrue(store.listVersions(TENANT, secret.id()).isEmpty(), () -> "rule: listVersions is empty" + gone);
        assertTrue(store.findVersion(TENANT, secret.id(), 1).isEmpty(), () -> "rule: findVersion(1) is empty" + gone);
        assertTrue(store.loadSealedValue(TENANT, secret.id(), 1).isEmpty(),
                () -> "rule: loadSealedValue(1) is empty" + gone);
        assertTrue(store.loadSealedValue(TENANT, secret.id(), 2).isEmpty(),
                () -> "rule: loadSealedValue(2) is empty" + gone);
        assertTrue(store.aliases(TENANT, secret.id()).byName().isEmpty(),
                () -> "rule: aliases (current, canary) are gone" + gone);
        assertTrue(store.listSecrets(TENANT, SecretFilter.all(), PageRequest.first()).items().isEmpty(),
                () -> "rule: listSecrets no longer lists the secret" + gone);

        Secret successor = create("prod", "payments/stripe-api-key");
        assertNotEquals(secret.id(), successor.id(),
                () -> "rule: createSecret on a freed path makes a new secret; old id " + secret.id());
        assertEquals(1, addPending(successor).number(), "a new secret numbers its versions from 1");
    }

    @Test
    void deleteOfUnknownSecretFailsWithSecretNotFound() {
        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND,
                () -> store.deleteSecret(TENANT, newId(), BeforeCommit.none()),
                () -> "rule: deleteSecret of an id never created fails with SECRET_NOT_FOUND");
    }

    @Test
    void deleteLeavesOtherSecretsAlone() {
        Secret doomed = create("prod", "web/key");
        Secret kept = create("prod", "app/key");
        addCurrent(kept, at(1));

        store.deleteSecret(TENANT, doomed.id(), BeforeCommit.none());

        String alone = "; deleted " + doomed.id() + ", kept " + kept.id();
        assertEquals(kept.id(), reload(kept).id(), () -> "rule: deleteSecret leaves other secrets alone" + alone);
        assertEquals(1, store.listVersions(TENANT, kept.id()).size(),
                () -> "rule: deleteSecret leaves other secrets' versions alone" + alone);
        assertEquals(OptionalInt.of(1), store.aliases(TENANT, kept.id()).get("current"),
                () -> "rule: deleteSecret leaves other secrets' aliases alone (current on 1)" + alone);
    }

    // What an update keeps: the fields the store owns (SecretStore#updateSecret). The caller's
    // secret claims other values for each; the store must keep its own.
    private static Secret claimingOtherStoreOwnedFields(Secret stored, Instant now) {
        return new Secret(stored.id(), stored.path(), "platform", "claims other store-owned fields",
                stored.rotationStrategy(), stored.rotationPeriod(), Map.of("tier", "silver"), at(-86400), now,
                null, at(999));
    }

    @Test
    void updateKeepsTheFieldsTheStoreOwns() {
        Secret secret = create("prod", "payments/owned");
        addCurrent(secret, at(1));
        Secret stored = reload(secret);
        Secret claim = claimingOtherStoreOwnedFields(stored, at(5));
        Secret[] hookSaw = new Secret[1];

        Secret updated = assertDoesNotThrow(() -> store.updateSecret(claim, Hooks.seeing(result -> hookSaw[0] = result)),
                "rule: updateSecret(Secret, hook) keeps store-owned fields silently, it does not refuse the update");

        Secret reloaded = reload(secret);
        for (Secret seen : new Secret[] {updated, reloaded, hookSaw[0]}) {
            assertEquals(stored.createdAt(), seen.createdAt(), () -> "rule: updateSecret(Secret, hook) keeps createdAt as"
                    + " stored; stored " + stored.createdAt() + ", caller sent " + claim.createdAt() + ", got " + seen.createdAt());
            assertEquals(stored.lastRotatedAt(), seen.lastRotatedAt(), () -> "rule: updateSecret(Secret, hook) keeps"
                    + " lastRotatedAt as stored (only moves of current stamp it); stored " + stored.lastRotatedAt()
                    + ", caller sent " + claim.lastRotatedAt() + ", got " + seen.lastRotatedAt());
            assertEquals("platform", seen.ownerTeam(), "rule: updateSecret(Secret, hook) takes ownerTeam from the caller");
            assertEquals(at(5), seen.updatedAt(), "rule: updateSecret(Secret, hook) takes updatedAt from the caller");
        }
        assertEquals(updated, reloaded, "rule: updateSecret(Secret, hook) returns the secret as stored");
        assertEquals(updated, hookSaw[0], "rule: the hook of updateSecret(Secret, hook) sees the secret as stored");
    }

    @Test
    void changeKeepsTheFieldsTheStoreOwns() {
        Secret secret = create("prod", "payments/owned-by-change");
        addCurrent(secret, at(1));
        Secret stored = reload(secret);
        Secret[] hookSaw = new Secret[1];

        Secret updated = assertDoesNotThrow(() -> store.updateSecret(TENANT, secret.id(),
                s -> claimingOtherStoreOwnedFields(s, at(5)), Hooks.seeing(result -> hookSaw[0] = result)),
                "rule: updateSecret(tenant, id, change, hook) keeps store-owned fields silently, it does not refuse the change");

        Secret reloaded = reload(secret);
        for (Secret seen : new Secret[] {updated, reloaded, hookSaw[0]}) {
            assertEquals(stored.createdAt(), seen.createdAt(), () -> "rule: updateSecret(tenant, id, change, hook) keeps"
                    + " createdAt as stored whatever change returns; stored " + stored.createdAt() + ", got " + seen.createdAt());
            assertEquals(stored.lastRotatedAt(), seen.lastRotatedAt(), () -> "rule: updateSecret(tenant, id, change, hook)"
                    + " keeps lastRotatedAt as stored; stored " + stored.lastRotatedAt() + ", got " + seen.lastRotatedAt());
            assertEquals("platform", seen.ownerTeam(), "rule: updateSecret(tenant, id, change, hook) stores what change returns");
        }
        assertEquals(updated, reloaded, "rule: updateSecret(tenant, id, change, hook) returns the secret as stored");
        assertEquals(updated, hookSaw[0], "rule: the hook of updateSecret(tenant, id, change, hook) sees the secret as stored");
    }

    @Test
    void updateMayNotMoveTheSecretToAnotherEnvironmentOrPath() {
        Secret secret = create("prod", "payments/stays");
        for (SecretPath elsewhere : List.of(SecretPath.of(TENANT, "prod-eu", "payments/stays"),
                SecretPath.of(TENANT, "prod", "payments/stays-x"))) {
            Secret moved = new Secret(secret.id(), elsewhere, secret.ownerTeam(), "moved", secret.rotationStrategy(),
                    secret.rotationPeriod(), secret.labels(), secret.createdAt(), at(5), null, null);
            Expect.thrown(InvalidRequestException.class, ErrorCode.INVALID_ARGUMENT,
                    () -> store.updateSecret(moved, BeforeCommit.none()), () -> "rule: updateSecret(Secret, hook) refuses"
                            + " to move secret " + secret.id() + " from " + secret.path() + " to " + elsewhere);
            assertEquals(secret, reload(secret), () -> "rule: updateSecret(Secret, hook) refuses another path ("
                    + secret.path() + " -> " + elsewhere + ") and changes nothing");
            assertTrue(store.findSecretByPath(elsewhere).isEmpty(),
                    () -> "rule: a refused updateSecret leaves nothing at " + elsewhere);
        }
    }

    @Test
    void updateOfASecretOfAnotherTenantFailsWithSecretNotFound() {
        Secret mine = create("prod", "payments/mine");
        Secret claim = new Secret(mine.id(), SecretPath.of(OTHER_TENANT, "prod", "payments/mine"), "intruder", "",
                mine.rotationStrategy(), mine.rotationPeriod(), Map.of(), mine.createdAt(), at(5), null, null);

        Expect.thrown(NotFoundException.class, ErrorCode.SECRET_NOT_FOUND, () -> store.updateSecret(claim, BeforeCommit.none()),
                () -> "rule: updateSecret finds the secret by secret.path().tenant() and id; id " + mine.id()
                        + " is not in tenant " + OTHER_TENANT);

        assertEquals(mine, reload(mine), "rule: updateSecret is scoped to secret.path().tenant(); another tenant's id"
                + " is not found and changes nothing");
    }

    // Environments and paths that are prefixes of one another, in the listing order every store
    // must keep: environment first, then path, each as a plain UTF-16 string ('-' < '.' < '/' < 'A' < '_').
    private static final List<String> PREFIX_ORDER = List.of(
            "prod/db", "prod/db-x", "prod/db.x", "prod/db/x", "prod/db/x/y", "prod/dbA", "prod/db_x", "prod/zz/last",
            "prod-eu/a", "prod-eu/db", "prod2/db");

    private void createPrefixSecrets() {
        // Created out of order, so that insertion order proves nothing.
        for (int i = PREFIX_ORDER.size() - 1; i >= 0; i -= 2) {
            createQualified(PREFIX_ORDER.get(i));
        }
        for (int i = PREFIX_ORDER.size() - 2; i >= 0; i -= 2) {
            createQualified(PREFIX_ORDER.get(i));
        }
    }

    private void createQualified(String qualified) {
        int slash = qualified.indexOf('/');
        create(qualified.substring(0, slash), qualified.substring(slash + 1));
    }

    @Test
    void listOrdersEnvironmentsAndPathsThatArePrefixesOfOneAnother() {
        createPrefixSecrets();

        assertEquals(PREFIX_ORDER, names(store.listSecrets(TENANT, SecretFilter.all(), PageRequest.first())),
                "rule: listSecrets orders by environment, then path, each compared as a plain UTF-16 string"
                        + " (not as one joined string, not by path segment, not by a locale's collation)");
    }

    @Test
    void pagesOfOneThroughPrefixesOfOneAnotherListEverySecretOnceInOrder() {
        createPrefixSecrets();

        List<String> seen = new ArrayList<>();
        PageRequest request = PageRequest.first(1);
        for (int pages = 0; pages <= PREFIX_ORDER.size(); pages++) {
            Page<Secret> page = store.listSecrets(TENANT, SecretFilter.all(), request);
            seen.addAll(names(page));
            if (page.nextPageToken() == null) {
                break;
            }
            request = request.next(page.nextPageToken());
        }

        assertEquals(PREFIX_ORDER, seen, "rule: listSecrets with pages of 1 resumes right after the token's secret in"
                + " listing order (environment, then path), even where names are prefixes of one another");
    }

    @Test
    void filtersMatchEnvironmentExactlyAndPathAsAPlainPrefix() {
        createPrefixSecrets();

        assertEquals(List.of("prod/db", "prod/db-x", "prod/db.x", "prod/db/x", "prod/db/x/y", "prod/dbA", "prod/db_x",
                "prod/zz/last"), names(store.listSecrets(TENANT, SecretFilter.environment("prod"), PageRequest.first())),
                "rule: listSecrets with environment 'prod' lists exactly that environment, not 'prod-eu' or 'prod2'");
        assertEquals(List.of("prod/db", "prod/db-x", "prod/db.x", "prod/db/x", "prod/db/x/y", "prod/dbA", "prod/db_x",
                "prod-eu/db", "prod2/db"), names(store.listSecrets(TENANT, new SecretFilter(null, "db"), PageRequest.first())),
                "rule: listSecrets with path prefix 'db' matches every path starting with the string 'db'");
        assertEquals(List.of("prod/db/x", "prod/db/x/y"),
                names(store.listSecrets(TENANT, new SecretFilter("prod", "db/"), PageRequest.first())),
                "rule: listSecrets with path prefix 'db/' does not match 'db', 'db-x' or 'db.x'");
        assertEquals(List.of("prod/db_x"),
                names(store.listSecrets(TENANT, new SecretFilter("prod", "db_"), PageRequest.first())),
                "rule: listSecrets path prefix 'db_' is a plain string: '_' is no wildcard (not 'db-x', 'db.x', 'dbA')");
        assertEquals(List.of("prod/db.x"),
                names(store.listSecrets(TENANT, new SecretFilter("prod", "db."), PageRequest.first())),
                "rule: listSecrets path prefix 'db.' is a plain string: '.' is no wildcard");
    }

    @Test
    void prefixWildcardCharactersAreLiteral() {
        // Paths allow '_' but neither '%' nor '\\'; a prefix is any plain string, so those still have to
        // be taken literally: as LIKE wildcards or escapes they would match paths that do not start with them.
        for (String path : List.of("a/x", "ab/x", "abc", "a_/x", "a_b", "a-b", "a.b")) {
            create("prod", path);
        }

        assertEquals(List.of("prod/a_/x", "prod/a_b"),
                names(store.listSecrets(TENANT, new SecretFilter("prod", "a_"), PageRequest.first())),
                () -> "rule: listSecrets path prefix 'a_' lists only paths starting with the string 'a_' ('_' is no"
                        + " wildcard: not 'ab/x', 'abc', 'a-b', 'a.b')");
        assertEquals(List.of(), names(store.listSecrets(TENANT, new SecretFilter("prod", "a%"), PageRequest.first())),
                () -> "rule: listSecrets path prefix 'a%' lists only paths starting with the string 'a%' ('%' is no"
                        + " wildcard: not 'abc', 'ab/x', 'a/x'), so none");
        assertEquals(List.of(), names(store.listSecrets(TENANT, new SecretFilter("prod", "%"), PageRequest.first())),
                () -> "rule: listSecrets path prefix '%' lists only paths starting with '%', so none (not every path)");
        assertEquals(List.of(), names(store.listSecrets(TENANT, new SecretFilter("prod", "a\\"), PageRequest.first())),
                () -> "rule: listSecrets path prefix 'a\\' (a backslash) lists only paths starting with it, so none");
        assertEquals(List.of(), names(store.listSecrets(TENANT, new SecretFilter("prod", "a\\_"), PageRequest.first())),
                () -> "rule: listSecrets path prefix 'a\\_' (backslash, underscore) lists only paths starting with it,"
                        + " so none (not 'a_b' nor 'a-b')");
        assertEquals(List.of(), names(store.listSecrets(TENANT, new SecretFilter("prod", "a\\%"), PageRequest.first())),
                () -> "rule: listSecrets path prefix 'a\\%' (backslash, percent) lists only paths starting with it,"
                        + " so none");
    }

    @Test
    void aPageTheLastSecretsExactlyFillHasNoNextToken() {
        for (String path : List.of("p/1", "p/2", "p/3")) {
            create("prod", path);
        }
        Page<Secret> all = store.listSecrets(TENANT, SecretFilter.all(), PageRequest.first(3));
        assertEquals(List.of("prod/p/1", "prod/p/2", "prod/p/3"), names(all),
                () -> "rule: listSecrets with limit 3 over 3 secrets lists all 3");
        assertNull(all.nextPageToken(), () -> "rule: listSecrets returns no next token when the page holds the last"
                + " secret; 3 secrets, limit 3");

        for (String path : List.of("p/4", "p/5", "p/6")) {
            create("prod", path);
        }
        Page<Secret> first = store.listSecrets(TENANT, SecretFilter.all(), PageRequest.first(3));
        assertEquals(List.of("prod/p/1", "prod/p/2", "prod/p/3"), names(first),
                () -> "rule: listSecrets first page of 3 over 6 secrets lists p/1..p/3");
        assertTrue(first.nextPageToken() != null, () -> "rule: listSecrets returns a next token while secrets are left;"
                + " 6 secrets, first page of 3");
        Page<Secret> second = store.listSecrets(TENANT, SecretFilter.all(), PageRequest.first(3).next(first.nextPageToken()));
        assertEquals(List.of("prod/p/4", "prod/p/5", "prod/p/6"), names(second),
                () -> "rule: listSecrets second page of 3 over 6 secrets lists p/4..p/6");
        assertNull(second.nextPageToken(), () -> "rule: listSecrets returns no next token when the page holds the last"
                + " secret; 6 secrets, second page of 3");
    }

    private static List<String> names(Page<Secret> page) {
        return page.items().stream().map(s -> s.path().qualifiedName()).toList();
    }
}
