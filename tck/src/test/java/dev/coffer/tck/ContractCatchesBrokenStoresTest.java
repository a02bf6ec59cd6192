package dev.coffer.tck;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.memory.InMemorySecretStore;
import dev.coffer.spi.model.Page;
import dev.coffer.spi.model.PageRequest;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretFilter;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.VersionRecord;
import dev.coffer.spi.model.VersionSelector;
import dev.coffer.spi.model.VersionState;
import dev.coffer.spi.crypto.SealedValue;
import dev.coffer.spi.store.AliasMove;
import dev.coffer.spi.audit.AuditEvent;
import dev.coffer.spi.store.AuditOutbox;
import dev.coffer.spi.store.BeforeCommit;
import dev.coffer.spi.store.ReadTarget;
import dev.coffer.spi.store.SecretStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The TCK's own check that the rules it states catch the bugs they are about: each test plants
 * one bug in the in-memory store (a {@link DelegatingSecretStore} with one method wrong, as an
 * outside store would get it), runs the contract test for that rule against it and expects it to
 * fail with a message that states the rule; and runs the same contract test against the plain
 * in-memory store, where it must pass.
 */
class ContractCatchesBrokenStoresTest {

    @Test
    void updateThatTakesTheCallersCreatedAtIsCaught() {
        caught(metadata(KeepsCallersCreatedAt::new), SecretStoreMetadataTests::updateKeepsTheFieldsTheStoreOwns,
                "updateSecret(Secret, hook) keeps createdAt as stored");
        caught(metadata(KeepsCallersCreatedAt::new), SecretStoreMetadataTests::changeKeepsTheFieldsTheStoreOwns,
                "updateSecret(tenant, id, change, hook) keeps createdAt as stored");
    }

    @Test
    void updateHookThatSeesTheCallersSecretInsteadOfTheStoredOneIsCaught() {
        caught(metadata(HookSeesTheArgument::new), SecretStoreMetadataTests::updateKeepsTheFieldsTheStoreOwns,
                "updateSecret(Secret, hook) keeps");
    }

    @Test
    void transitionOfAStateToItselfTakenAsANoOpIsCaught() {
        caught(versions(AcceptsSelfTransitions::new),
                SecretStoreVersionTests::everyTransitionPairOutsideTheAllowedFourIsRefusedAndChangesNothing,
                "transitionVersion refuses ENABLED -> ENABLED");
    }

    @Test
    void transitionOutOfDestroyedTakenAsANoOpIsCaught() {
        caught(versions(AcceptsTransitionsOutOfDestroyed::new),
                SecretStoreVersionTests::everyTransitionPairOutsideTheAllowedFourIsRefusedAndChangesNothing,
                "transitionVersion refuses DESTROYED -> ENABLED");
    }

    @Test
    void missingSecretReportedAsAMissingVersionIsCaught() {
        caught(versions(MissingSecretIsMissingVersion::new),
                SecretStoreVersionTests::transitionAndRewrapOfAnUnknownSecretFailWithSecretNotFound,
                "transitionVersion on a secret that is not in the tenant fails with SECRET_NOT_FOUND");
    }

    @Test
    void compareAndSetCheckedBeforeTheTargetIsCaught() {
        caught(aliases(CompareAndSetFirst::new), SecretStoreAliasTests::targetChecksWinOverAStaleExpectedVersion,
                "moveAlias checks the target before the compare-and-set");
    }

    @Test
    void moveOntoTheSameVersionRefusedIsCaught() {
        caught(aliases(RefusesNoOpMoves::new),
                SecretStoreAliasTests::moveOntoTheVersionTheAliasPointsAtIsANoOpThatRunsTheHook,
                "succeeds as a no-op");
    }

    @Test
    void listingOrderedAndPagedByTheJoinedNameIsCaught() {
        caught(metadata(OrdersByJoinedName::new),
                SecretStoreMetadataTests::listOrdersEnvironmentsAndPathsThatArePrefixesOfOneAnother,
                "listSecrets orders by environment, then path");
        caught(metadata(OrdersByJoinedName::new),
                SecretStoreMetadataTests::pagesOfOneThroughPrefixesOfOneAnotherListEverySecretOnceInOrder,
                "listSecrets with pages of 1 resumes right after the token's secret");
    }

    @Test
    void environmentFilterMatchedAsAPrefixIsCaught() {
        caught(metadata(EnvironmentAsPrefix::new), SecretStoreMetadataTests::filtersMatchEnvironmentExactlyAndPathAsAPlainPrefix,
                "listSecrets with environment 'prod' lists exactly that environment");
    }

    @Test
    void underscoreInAPathPrefixTakenAsAWildcardIsCaught() {
        caught(metadata(UnderscoreIsAWildcard::new), SecretStoreMetadataTests::filtersMatchEnvironmentExactlyAndPathAsAPlainPrefix,
                "'_' is no wildcard");
    }

    @Test
    void rewrapOfADestroyedVersionAnsweredAsDoneIsCaught() {
        caught(versions(RewrapOfDestroyedSaysDone::new), SecretStoreVersionTests::rewrapOfDestroyedVersionReportsNothingToDo,
                "rewrapVersion of a DESTROYED version returns false");
    }

    @Test
    void listingThatHidesSecretsPendingDeletionIsCaught() {
        caught(metadata(HidesPendingDeletion::new), SecretStoreMetadataTests::listIncludesSecretsPendingDeletion,
                "listSecrets includes secrets pending deletion");
    }

    @Test
    void createHookRunAfterTheCommitIsCaught() {
        caught(atomicity(CreateHookAfterCommit::new), SecretStoreAtomicityTests::failingCreateHookLeavesNoSecretAndThePathFree,
                "createSecret whose hook fails stores nothing");
    }

    @Test
    void namedAliasMovedWithoutCompareAndSetIsCaught() {
        caught(aliases(NamedAliasWithoutCompareAndSet::new),
                SecretStoreAliasTests::customAliasMovesByCompareAndSetWithoutTouchingPreviousOrRotationTime,
                "moveAlias of a named alias is compare-and-set");
    }

    @Test
    void promotionThatKeepsNextIsCaught() {
        caught(aliases(PromotionKeepsNext::new), SecretStoreAliasTests::promotingTheVersionNextPointsAtClearsNextInTheSameStep,
                "a promotion clears next");
    }

    @Test
    void aliasRemovalWithoutCompareAndSetIsCaught() {
        caught(aliases(RemovalWithoutCompareAndSet::new),
                SecretStoreAliasTests::removeAliasWithStaleExpectedVersionFailsWithVersionConflictAndChangesNothing,
                "removeAlias is compare-and-set");
    }

    @Test
    void moveThatDropsItsAuditEventsIsCaught() {
        caught(audit(DropsMoveEvents::new), SecretStoreAuditTests::everyKindOfChangeCommitsItsHookEventsOnceInOrder,
                "moveAlias commits the events its BeforeCommit.prepare returned");
    }

    @Test
    void retryThatKeepsTheFirstTrysEventsIsCaught() {
        caught(audit(KeepsFirstTrysEvents::new), SecretStoreAuditTests::concurrentChangesCommitTheEventsOfTheirCommittingTryOnly,
                "last BeforeCommit.prepare");
    }

    @Test
    void outboxThatAcknowledgesEverythingIsCaught() {
        caught(audit(AcknowledgesEverything::new),
                SecretStoreAuditTests::anOutboxHandsOutOldestFirstWithinBoundsAndForgetsWhatIsAcknowledged,
                "AuditOutbox.acknowledge removes exactly the given ids");
    }

    @Test
    void findForReadThatResolvesEveryAliasToCurrentIsCaught() {
        caught(reads(EveryAliasReadsCurrent::new), SecretStoreReadTests::byAliasResolvesCurrentPreviousNextAndNamedAliases,
                "answers what findSecretByPath, aliases, findVersion and loadSealedValue answer one after the other");
    }

    @Test
    void findForReadThatHidesSecretsPendingDeletionIsCaught() {
        caught(reads(ReadHidesPendingDeletion::new), SecretStoreReadTests::aSecretPendingDeletionIsFoundLikeAnyOther,
                "answers what findSecretByPath, aliases, findVersion and loadSealedValue answer one after the other");
    }

    private static java.util.function.Function<Supplier<SecretStore>, SecretStoreReadTests> reads(
            UnaryOperator<SecretStore> bug) {
        return sound -> new SecretStoreReadTests() {
            @Override
            SecretStore freshStore() {
                return sound != null ? sound.get() : bug.apply(new InMemorySecretStore());
            }
        };
    }

    /** Bug: findForRead ignores the alias it is given and reads current. */
    static final class EveryAliasReadsCurrent extends DelegatingSecretStore {
        EveryAliasReadsCurrent(SecretStore delegate) {
            super(delegate);
        }

        @Override
        public Optional<ReadTarget> findForRead(SecretPath path, VersionSelector selector) {
            return delegate.findForRead(path, selector instanceof VersionSelector.ByAlias ? VersionSelector.current() : selector);
        }
    }

    /** Bug: findForRead treats a secret pending deletion as gone, so the kernel would answer SECRET_NOT_FOUND. */
    static final class ReadHidesPendingDeletion extends DelegatingSecretStore {
        ReadHidesPendingDeletion(SecretStore delegate) {
            super(delegate);
        }

        @Override
        public Optional<ReadTarget> findForRead(SecretPath path, VersionSelector selector) {
            return delegate.findForRead(path, selector).filter(target -> !target.secret().isPendingDeletion());
        }
    }

    // Runs 'test' of a fresh 'group' against the plain in-memory store (it must pass), then
    // against the broken one (it must fail, saying 'rule').
    private static <G extends SecretStoreTestSupport> void caught(java.util.function.Function<Supplier<SecretStore>, G> group,
            Consumer<G> test, String rule) {
        G sound = group.apply(InMemorySecretStore::new);
        sound.openStore();
        test.accept(sound);

        G broken = group.apply(null);
        broken.openStore();
        AssertionError failure = assertThrows(AssertionError.class, () -> test.accept(broken),
                () -> "the contract test should fail against " + broken.store.getClass().getSimpleName());
        assertTrue(String.valueOf(failure.getMessage()).contains(rule),
                () -> "the failure should state the rule '" + rule + "', but said: " + failure.getMessage());
    }

    // A group that runs against 'store', or against the broken store 'bug' makes of an in-memory one.
    private static java.util.function.Function<Supplier<SecretStore>, SecretStoreMetadataTests> metadata(
            UnaryOperator<SecretStore> bug) {
        return sound -> new SecretStoreMetadataTests() {
            @Override
            SecretStore freshStore() {
                return sound != null ? sound.get() : bug.apply(new InMemorySecretStore());
            }
        };
    }

    private static java.util.function.Function<Supplier<SecretStore>, SecretStoreVersionTests> versions(
            UnaryOperator<SecretStore> bug) {
        return sound -> new SecretStoreVersionTests() {
            @Override
            SecretStore freshStore() {
                return sound != null ? sound.get() : bug.apply(new InMemorySecretStore());
            }
        };
    }

    private static java.util.function.Function<Supplier<SecretStore>, SecretStoreAliasTests> aliases(
            UnaryOperator<SecretStore> bug) {
        return sound -> new SecretStoreAliasTests() {
            @Override
            SecretStore freshStore() {
                return sound != null ? sound.get() : bug.apply(new InMemorySecretStore());
            }
        };
    }

    private static java.util.function.Function<Supplier<SecretStore>, SecretStoreAtomicityTests> atomicity(
            UnaryOperator<SecretStore> bug) {
        return sound -> new SecretStoreAtomicityTests() {
            @Override
            SecretStore freshStore() {
                return sound != null ? sound.get() : bug.apply(new InMemorySecretStore());
            }
        };
    }

    private static java.util.function.Function<Supplier<SecretStore>, SecretStoreAuditTests> audit(
            UnaryOperator<SecretStore> bug) {
        return sound -> new SecretStoreAuditTests() {
            @Override
            SecretStore freshStore() {
                return sound != null ? sound.get() : bug.apply(new InMemorySecretStore());
            }

            @Override
            List<AuditEvent> committedEvents() {
                return store.auditOutbox().pending(AuditOutbox.MAX_BATCH);
            }
        };
    }

    /** Bug: an alias move runs its hook but commits none of the events it returned. */
    static final class DropsMoveEvents extends DelegatingSecretStore {
        DropsMoveEvents(SecretStore delegate) {
            super(delegate);
        }

        @Override
        public AliasMove moveAlias(String tenant, String secretId, String alias, int target, OptionalInt expected, Instant now,
                BeforeCommit<AliasMove> hook) {
            return delegate.moveAlias(tenant, secretId, alias, target, expected, now, move -> {
                hook.prepare(move);
                return List.of();
            });
        }
    }

    /** Bug: a store that retries its unit keeps the events of the first try, not of the one that commits. */
    static final class KeepsFirstTrysEvents extends DelegatingSecretStore {
        KeepsFirstTrysEvents(SecretStore delegate) {
            super(delegate);
        }

        @Override
        public VersionRecord addVersion(String tenant, String secretId, dev.coffer.spi.store.VersionSealer sealer, String createdBy,
                Instant now, Instant expiresAt, boolean makeCurrent, BeforeCommit<dev.coffer.spi.store.AddedVersion> hook) {
            return delegate.addVersion(tenant, secretId, sealer, createdBy, now, expiresAt, makeCurrent, added -> {
                List<AuditEvent> firstTry = hook.prepare(added);
                hook.prepare(added);
                return firstTry;
            });
        }
    }

    /** Bug: acknowledging some events of the outbox forgets all of them. */
    static final class AcknowledgesEverything extends DelegatingSecretStore {
        AcknowledgesEverything(SecretStore delegate) {
            super(delegate);
        }

        @Override
        public AuditOutbox auditOutbox() {
            AuditOutbox real = delegate.auditOutbox();
            return new AuditOutbox() {
                @Override
                public List<AuditEvent> pending(int max) {
                    return real.pending(max);
                }

                @Override
                public void acknowledge(java.util.Collection<String> eventIds) {
                    real.acknowledge(real.pending(MAX_BATCH).stream().map(AuditEvent::id).toList());
                }
            };
        }
    }

    private static Secret withCreatedAt(Secret s, Instant createdAt) {
        return new Secret(s.id(), s.path(), s.ownerTeam(), s.description(), s.rotationStrategy(), s.rotationPeriod(),
                s.labels(), createdAt, s.updatedAt(), s.deletionScheduledAt(), s.lastRotatedAt());
    }

    /** Bug: an update stores the caller's createdAt (seen from outside as if it did). */
    static final class KeepsCallersCreatedAt extends DelegatingSecretStore {
        private final Map<String, Instant> claimed = new ConcurrentHashMap<>();

        KeepsCallersCreatedAt(SecretStore delegate) {
            super(delegate);
        }

        private Secret report(Secret s) {
            Instant createdAt = claimed.get(s.id());
            return createdAt == null ? s : withCreatedAt(s, createdAt);
        }

        @Override
        public Secret updateSecret(Secret secret, BeforeCommit<Secret> hook) {
            claimed.put(secret.id(), secret.createdAt());
            return report(delegate.updateSecret(secret, s -> hook.prepare(report(s))));
        }

        @Override
        public Secret updateSecret(String tenant, String secretId, UnaryOperator<Secret> change, BeforeCommit<Secret> hook) {
            return report(delegate.updateSecret(tenant, secretId, s -> {
                Secret changed = change.apply(report(s));
                claimed.put(secretId, changed.createdAt());
                return changed;
            }, s -> hook.prepare(report(s))));
        }

        @Override
        public Optional<Secret> findSecret(String tenant, String secretId) {
            return delegate.findSecret(tenant, secretId).map(this::report);
        }

        @Override
        public Optional<Secret> findSecretByPath(SecretPath path) {
            return delegate.findSecretByPath(path).map(this::report);
        }
    }

    /** Bug: the update hook is given the caller's secret, not the one the store keeps. */
    static final class HookSeesTheArgument extends DelegatingSecretStore {
        HookSeesTheArgument(SecretStore delegate) {
            super(delegate);
        }

        @Override
        public Secret updateSecret(Secret secret, BeforeCommit<Secret> hook) {
            return delegate.updateSecret(secret, stored -> hook.prepare(secret));
        }
    }

    /** Bug: "set state = to where state = from" succeeds for from = to. */
    static final class AcceptsSelfTransitions extends DelegatingSecretStore {
        AcceptsSelfTransitions(SecretStore delegate) {
            super(delegate);
        }

        @Override
        public VersionRecord transitionVersion(String tenant, String secretId, int number, VersionState from,
                VersionState to, BeforeCommit<VersionRecord> hook) {
            Optional<VersionRecord> record = delegate.findVersion(tenant, secretId, number);
            if (from == to && record.isPresent() && record.get().state() == from) {
                hook.prepare(record.get());
                return record.get();
            }
            return delegate.transitionVersion(tenant, secretId, number, from, to, hook);
        }
    }

    /** Bug: a transition out of DESTROYED is answered as if done (nothing left to change). */
    static final class AcceptsTransitionsOutOfDestroyed extends DelegatingSecretStore {
        AcceptsTransitionsOutOfDestroyed(SecretStore delegate) {
            super(delegate);
        }

        @Override
        public VersionRecord transitionVersion(String tenant, String secretId, int number, VersionState from,
                VersionState to, BeforeCommit<VersionRecord> hook) {
            Optional<VersionRecord> record = delegate.findVersion(tenant, secretId, number);
            if (from == VersionState.DESTROYED && record.isPresent() && record.get().state() == from) {
                return record.get();
            }
            return delegate.transitionVersion(tenant, secretId, number, from, to, hook);
        }
    }

    /** Bug: looks the version up by (tenant, secret, number) alone and reports a missing secret as a missing version. */
    static final class MissingSecretIsMissingVersion extends DelegatingSecretStore {
        MissingSecretIsMissingVersion(SecretStore delegate) {
            super(delegate);
        }

        @Override
        public VersionRecord transitionVersion(String tenant, String secretId, int number, VersionState from,
                VersionState to, BeforeCommit<VersionRecord> hook) {
            if (delegate.findSecret(tenant, secretId).isEmpty()) {
                throw new NotFoundException(ErrorCode.VERSION_NOT_FOUND, "no version " + number);
            }
            return delegate.transitionVersion(tenant, secretId, number, from, to, hook);
        }

        @Override
        public boolean rewrapVersion(String tenant, String secretId, int number, SealedValue rewrapped) {
            if (delegate.findSecret(tenant, secretId).isEmpty()) {
                throw new NotFoundException(ErrorCode.VERSION_NOT_FOUND, "no version " + number);
            }
            return delegate.rewrapVersion(tenant, secretId, number, rewrapped);
        }
    }

    /** Bug: the compare-and-set runs before the target checks. */
    static final class CompareAndSetFirst extends DelegatingSecretStore {
        CompareAndSetFirst(SecretStore delegate) {
            super(delegate);
        }

        @Override
        public AliasMove moveAlias(String tenant, String secretId, String alias, int target, OptionalInt expected,
                Instant now, BeforeCommit<AliasMove> hook) {
            if (delegate.findSecret(tenant, secretId).isPresent()
                    && !delegate.aliases(tenant, secretId).get(alias).equals(expected)) {
                throw new ConflictException(ErrorCode.VERSION_CONFLICT, "alias '" + alias + "' points elsewhere");
            }
            return delegate.moveAlias(tenant, secretId, alias, target, expected, now, hook);
        }
    }

    /** Bug: a move onto the version the alias points at is refused as a conflict. */
    static final class RefusesNoOpMoves extends DelegatingSecretStore {
        RefusesNoOpMoves(SecretStore delegate) {
            super(delegate);
        }

        @Override
        public AliasMove moveAlias(String tenant, String secretId, String alias, int target, OptionalInt expected,
                Instant now, BeforeCommit<AliasMove> hook) {
            if (delegate.aliases(tenant, secretId).get(alias).equals(OptionalInt.of(target))) {
                throw new ConflictException(ErrorCode.VERSION_CONFLICT, "alias '" + alias + "' already points there");
            }
            return delegate.moveAlias(tenant, secretId, alias, target, expected, now, hook);
        }
    }

    /** Bug: a key-value store keyed and paged by "environment/path" as one string. */
    static final class OrdersByJoinedName extends DelegatingSecretStore {
        OrdersByJoinedName(SecretStore delegate) {
            super(delegate);
        }

        @Override
        public Page<Secret> listSecrets(String tenant, SecretFilter filter, PageRequest page) {
            List<Secret> all = new ArrayList<>();
            PageRequest request = PageRequest.first(PageRequest.MAX_LIMIT);
            while (true) {
                Page<Secret> p = delegate.listSecrets(tenant, filter, request);
                all.addAll(p.items());
                if (p.nextPageToken() == null) {
                    break;
                }
                request = request.next(p.nextPageToken());
            }
            all.sort(Comparator.comparing(s -> s.path().qualifiedName()));
            String after = page.pageToken();
            List<Secret> rest = all.stream().filter(s -> after == null || s.path().qualifiedName().compareTo(after) > 0).toList();
            if (rest.size() <= page.limit()) {
                return new Page<>(rest, null);
            }
            List<Secret> items = rest.subList(0, page.limit());
            return new Page<>(items, items.get(items.size() - 1).path().qualifiedName());
        }
    }

    /** Bug: the environment filter is matched as a prefix ("prod" also lists "prod-eu"). */
    static final class EnvironmentAsPrefix extends DelegatingSecretStore {
        EnvironmentAsPrefix(SecretStore delegate) {
            super(delegate);
        }

        @Override
        public Page<Secret> listSecrets(String tenant, SecretFilter filter, PageRequest page) {
            if (filter.environment() == null) {
                return delegate.listSecrets(tenant, filter, page);
            }
            Page<Secret> all = delegate.listSecrets(tenant, new SecretFilter(null, filter.pathPrefix(), filter.labels()), page);
            return new Page<>(all.items().stream().filter(s -> s.path().environment().startsWith(filter.environment())).toList(),
                    all.nextPageToken());
        }
    }

    /** Bug: the path prefix goes into SQL LIKE unescaped, so '_' matches any one character. */
    static final class UnderscoreIsAWildcard extends DelegatingSecretStore {
        UnderscoreIsAWildcard(SecretStore delegate) {
            super(delegate);
        }

        @Override
        public Page<Secret> listSecrets(String tenant, SecretFilter filter, PageRequest page) {
            String prefix = filter.pathPrefix();
            if (prefix == null || !prefix.contains("_")) {
                return delegate.listSecrets(tenant, filter, page);
            }
            Pattern like = Pattern.compile(Pattern.quote(prefix).replace("_", "\\E.\\Q") + ".*");
            Page<Secret> all = delegate.listSecrets(tenant, new SecretFilter(filter.environment(), null, filter.labels()), page);
            return new Page<>(all.items().stream().filter(s -> like.matcher(s.path().path()).matches()).toList(),
                    all.nextPageToken());
        }
    }

    /** Bug: a rewrap of a destroyed version is answered as done instead of "nothing to rewrap". */
    static final class RewrapOfDestroyedSaysDone extends DelegatingSecretStore {
        RewrapOfDestroyedSaysDone(SecretStore delegate) {
            super(delegate);
        }

        @Override
        public boolean rewrapVersion(String tenant, String secretId, int number, SealedValue rewrapped) {
            boolean done = delegate.rewrapVersion(tenant, secretId, number, rewrapped);
            return done || delegate.findVersion(tenant, secretId, number)
                    .map(v -> v.state() == VersionState.DESTROYED).orElse(false);
        }
    }

    /** Bug: the listing leaves out secrets pending deletion (as a "live secrets" query would). */
    static final class HidesPendingDeletion extends DelegatingSecretStore {
        HidesPendingDeletion(SecretStore delegate) {
            super(delegate);
        }

        @Override
        public Page<Secret> listSecrets(String tenant, SecretFilter filter, PageRequest page) {
            Page<Secret> all = delegate.listSecrets(tenant, filter, page);
            return new Page<>(all.items().stream().filter(s -> s.deletionScheduledAt() == null).toList(),
                    all.nextPageToken());
        }
    }

    /** Bug: the create hook runs after the secret is committed, so its failure undoes nothing. */
    static final class CreateHookAfterCommit extends DelegatingSecretStore {
        CreateHookAfterCommit(SecretStore delegate) {
            super(delegate);
        }

        @Override
        public Secret createSecret(Secret secret, BeforeCommit<Secret> hook) {
            Secret created = delegate.createSecret(secret, BeforeCommit.none());
            hook.prepare(created);
            return created;
        }
    }

    /** Bug: only 'current' is compare-and-set; a named alias moves whatever the caller expected. */
    static final class NamedAliasWithoutCompareAndSet extends DelegatingSecretStore {
        NamedAliasWithoutCompareAndSet(SecretStore delegate) {
            super(delegate);
        }

        @Override
        public AliasMove moveAlias(String tenant, String secretId, String alias, int target, OptionalInt expected,
                Instant now, BeforeCommit<AliasMove> hook) {
            OptionalInt actual = "current".equals(alias) ? expected : delegate.aliases(tenant, secretId).get(alias);
            return delegate.moveAlias(tenant, secretId, alias, target, actual, now, hook);
        }
    }

    /** Bug: promoting the version 'next' points at leaves 'next' on the new current. */
    static final class PromotionKeepsNext extends DelegatingSecretStore {
        PromotionKeepsNext(SecretStore delegate) {
            super(delegate);
        }

        @Override
        public AliasMove moveAlias(String tenant, String secretId, String alias, int target, OptionalInt expected,
                Instant now, BeforeCommit<AliasMove> hook) {
            AliasMove move = delegate.moveAlias(tenant, secretId, alias, target, expected, now, hook);
            if (!move.nextCleared()) {
                return move;
            }
            AliasMove kept = delegate.moveAlias(tenant, secretId, "next", target, OptionalInt.empty(), now, BeforeCommit.none());
            return new AliasMove(alias, move.from(), target, kept.aliases());
        }
    }

    /** Bug: an alias is removed wherever it points, whatever the caller expected. */
    static final class RemovalWithoutCompareAndSet extends DelegatingSecretStore {
        RemovalWithoutCompareAndSet(SecretStore delegate) {
            super(delegate);
        }

        @Override
        public dev.coffer.spi.store.AliasRemoval removeAlias(String tenant, String secretId, String alias, OptionalInt expected,
                BeforeCommit<dev.coffer.spi.store.AliasRemoval> hook) {
            return delegate.removeAlias(tenant, secretId, alias, OptionalInt.empty(), hook);
        }
    }
}
