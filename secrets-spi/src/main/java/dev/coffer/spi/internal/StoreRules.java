package dev.coffer.spi.internal;

import dev.coffer.spi.error.ConflictException;
import dev.coffer.spi.error.ErrorCode;
import dev.coffer.spi.error.InvalidRequestException;
import dev.coffer.spi.error.NotFoundException;
import dev.coffer.spi.error.VersionDestroyedException;
import dev.coffer.spi.error.VersionDisabledException;
import dev.coffer.spi.model.Aliases;
import dev.coffer.spi.model.Secret;
import dev.coffer.spi.model.SecretPath;
import dev.coffer.spi.model.VersionRecord;
import dev.coffer.spi.model.VersionState;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The preconditions of alias moves and state changes, checked under the secret's row lock, with
 * messages that name path, alias and versions (never a value). The same rules, in the same order,
 * in every store that uses them (the in-memory reference store and the JDBI store); vendors may
 * use them too, so their messages match.
 */
public final class StoreRules {
    private StoreRules() {}

    /** The error for a secret id that is not in the tenant. */
    public static NotFoundException secretNotFound(String tenant, String secretId) {
        return new NotFoundException(ErrorCode.SECRET_NOT_FOUND,
                "no secret with id '" + Messages.printable(secretId) + "' in tenant '" + Messages.printable(tenant) + "'");
    }

    /** The error for a version number the secret does not have. */
    public static NotFoundException versionNotFound(SecretPath path, int number) {
        return new NotFoundException(ErrorCode.VERSION_NOT_FOUND, "version " + number + " of " + path + " does not exist");
    }

    /**
     * The arguments of a {@code moveAlias} before any lookup: a valid alias name other than
     * {@code previous} (which only follows {@code current}), and the required arguments present.
     */
    public static void requireMovableAlias(String alias, OptionalInt expected, Instant now, Object hook) {
        Aliases.requireName(alias);
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(hook, "hook");
        if (Aliases.PREVIOUS.equals(alias)) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT,
                    "alias 'previous' cannot be moved directly; it follows 'current' when 'current' moves");
        }
    }

    /**
     * The arguments of a {@code removeAlias} before any lookup: a valid alias name other than
     * {@code current} (a secret with versions always has one) and {@code previous} (which only
     * follows {@code current}), and the required arguments present.
     */
    public static void requireRemovableAlias(String alias, OptionalInt expected, Object hook) {
        Aliases.requireName(alias);
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(hook, "hook");
        if (Aliases.CURRENT.equals(alias) || Aliases.PREVIOUS.equals(alias)) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "alias '" + alias
                    + "' cannot be removed; only 'next' and named aliases can (move 'current' instead)");
        }
    }

    /**
     * The checks of a removal once the secret is found: the alias is set ({@code ALIAS_NOT_FOUND}),
     * then the compare-and-set on {@code expected} (empty accepts wherever it points).
     *
     * @return the version the alias points at
     */
    public static int requireRemovable(SecretPath path, String alias, OptionalInt actual, OptionalInt expected) {
        if (actual.isEmpty()) {
            throw aliasNotFound(path, alias);
        }
        if (expected.isPresent() && expected.getAsInt() != actual.getAsInt()) {
            throw aliasConflict(path, alias, actual, expected);
        }
        return actual.getAsInt();
    }

    /** The error for an alias that is not set. */
    public static NotFoundException aliasNotFound(SecretPath path, String alias) {
        return new NotFoundException(ErrorCode.ALIAS_NOT_FOUND, "alias '" + alias + "' is not set on " + path);
    }

    /** An alias may only point at an existing, enabled version. */
    public static void requireAliasTarget(SecretPath path, String alias, int target, VersionRecord record) {
        if (record == null) {
            throw versionNotFound(path, target);
        }
        if (record.state() == VersionState.DISABLED) {
            throw new VersionDisabledException("version " + target + " of " + path
                    + " is disabled; alias '" + alias + "' can only point at an enabled version");
        }
        if (record.state() == VersionState.DESTROYED) {
            throw new VersionDestroyedException("version " + target + " of " + path
                    + " is destroyed; alias '" + alias + "' can only point at an enabled version");
        }
    }

    /** The compare-and-set of an alias move: it must point where the caller expects. */
    public static void requireAliasAt(SecretPath path, String alias, OptionalInt actual, OptionalInt expected) {
        if (!actual.equals(expected)) {
            throw aliasConflict(path, alias, actual, expected);
        }
    }

    /** The error of a lost compare-and-set. */
    public static ConflictException aliasConflict(SecretPath path, String alias, OptionalInt actual, OptionalInt expected) {
        return new ConflictException(ErrorCode.VERSION_CONFLICT, "alias '" + alias + "' of " + path + " "
                + (actual.isPresent() ? "points at version " + actual.getAsInt() : "is unset")
                + ", but the caller expected it "
                + (expected.isPresent() ? "at version " + expected.getAsInt() : "unset"));
    }

    /**
     * What an update stores: {@code changed} with the fields the store owns taken from
     * {@code stored}, namely {@code createdAt} (set once, at creation) and {@code lastRotatedAt}
     * (stamped only by moves of {@code current}, so an update built from a stale read cannot undo a
     * rotation that happened in between). The caller has already checked that id and path match.
     */
    public static Secret keepStoreOwned(Secret stored, Secret changed) {
        return new Secret(changed.id(), changed.path(), changed.ownerTeam(), changed.description(),
                changed.rotationStrategy(), changed.rotationPeriod(), changed.labels(), stored.createdAt(),
                changed.updatedAt(), changed.deletionScheduledAt(), stored.lastRotatedAt());
    }

    /**
     * A state change: compare-and-set on {@code from}, only {@code ENABLED ⇄ DISABLED} and
     * {@code ENABLED|DISABLED → DESTROYED}, and never the current version out of ENABLED.
     */
    public static void requireTransition(SecretPath path, Aliases aliases, int number, VersionRecord record,
            VersionState from, VersionState to) {
        if (record == null) {
            throw versionNotFound(path, number);
        }
        if (record.state() != from) {
            throw new ConflictException(ErrorCode.STATE_CONFLICT, "version " + number + " of " + path + " is "
                    + record.state() + ", but the caller expected " + from);
        }
        if (from == to || from == VersionState.DESTROYED) {
            throw new ConflictException(ErrorCode.STATE_CONFLICT, "version " + number + " of " + path
                    + " cannot go from " + from + " to " + to);
        }
        if (to != VersionState.ENABLED && aliases.pointsAt(Aliases.CURRENT, number)) {
            throw new ConflictException(ErrorCode.VERSION_IS_CURRENT, "version " + number + " of " + path
                    + " is current and cannot become " + to + "; promote another version first");
        }
    }
}
