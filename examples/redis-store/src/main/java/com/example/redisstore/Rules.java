package com.example.redisstore;

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
import java.util.OptionalInt;

/**
 * The SPI's rules for alias moves, state changes and updates, in the order the
 * {@link dev.coffer.spi.store.SecretStore} Javadoc gives, with messages that name the rule, the
 * path, the alias and the versions, never a value. Written from the Javadoc: a vendor does not
 * depend on Coffer's {@code internal} packages.
 */
final class Rules {
    private static final int MAX_ECHO = 80;

    private Rules() {}

    static NotFoundException secretNotFound(String tenant, String secretId) {
        return new NotFoundException(ErrorCode.SECRET_NOT_FOUND,
                "no secret with id '" + printable(secretId) + "' in tenant '" + printable(tenant) + "'");
    }

    static NotFoundException versionNotFound(SecretPath path, int number) {
        return new NotFoundException(ErrorCode.VERSION_NOT_FOUND, "version " + number + " of " + path + " does not exist");
    }

    /** {@code moveAlias}'s first check: a valid alias name other than {@code previous}. */
    static void requireMovable(String alias) {
        Aliases.requireName(alias);
        if (Aliases.PREVIOUS.equals(alias)) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT,
                    "alias 'previous' cannot be moved directly; it follows 'current' when 'current' moves");
        }
    }

    /** {@code removeAlias}'s first check: a valid alias name other than {@code current} and {@code previous}. */
    static void requireRemovable(String alias) {
        Aliases.requireName(alias);
        if (Aliases.CURRENT.equals(alias) || Aliases.PREVIOUS.equals(alias)) {
            throw new InvalidRequestException(ErrorCode.INVALID_ARGUMENT, "alias '" + alias
                    + "' cannot be removed; only 'next' and named aliases can (move 'current' instead)");
        }
    }

    /**
     * The checks of a removal once the secret is found: the alias is set, then it points where the
     * caller expects (empty accepts wherever it points). Returns where it points.
     */
    static int requireSetAt(SecretPath path, String alias, OptionalInt actual, OptionalInt expected) {
        if (actual.isEmpty()) {
            throw new NotFoundException(ErrorCode.ALIAS_NOT_FOUND, "alias '" + alias + "' is not set on " + path);
        }
        if (expected.isPresent()) {
            requireAt(path, alias, actual, expected);
        }
        return actual.getAsInt();
    }

    /** The target of a move exists and is ENABLED. */
    static void requireTarget(SecretPath path, String alias, int target, VersionRecord record) {
        if (record == null) {
            throw versionNotFound(path, target);
        }
        if (record.state() == VersionState.DISABLED) {
            throw new VersionDisabledException("version " + target + " of " + path
                    + " is disabled; alias '" + alias + "' can only be moved onto an enabled version");
        }
        if (record.state() == VersionState.DESTROYED) {
            throw new VersionDestroyedException("version " + target + " of " + path
                    + " is destroyed; alias '" + alias + "' can only be moved onto an enabled version");
        }
    }

    /** The compare-and-set of a move: the alias points where the caller expects. */
    static void requireAt(SecretPath path, String alias, OptionalInt actual, OptionalInt expected) {
        if (!actual.equals(expected)) {
            throw new ConflictException(ErrorCode.VERSION_CONFLICT, "alias '" + alias + "' of " + path + " "
                    + (actual.isPresent() ? "points at version " + actual.getAsInt() : "is unset")
                    + ", but the caller expected it " + (expected.isPresent() ? "at version " + expected.getAsInt() : "unset"));
        }
    }

    /**
     * A state change, checked in the SPI's order: version exists, stored state is {@code from},
     * the pair is allowed ({@code ENABLED ⇄ DISABLED}, {@code ENABLED|DISABLED → DESTROYED}), and
     * the current version stays ENABLED.
     */
    static void requireTransition(SecretPath path, Aliases aliases, int number, VersionRecord record, VersionState from,
            VersionState to) {
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

    /** What an update stores: the caller's fields, with {@code createdAt} and {@code lastRotatedAt} as stored. */
    static Secret keepStoreOwned(Secret stored, Secret changed) {
        return new Secret(changed.id(), changed.path(), changed.ownerTeam(), changed.description(),
                changed.rotationStrategy(), changed.rotationPeriod(), changed.labels(), stored.createdAt(),
                changed.updatedAt(), changed.deletionScheduledAt(), stored.lastRotatedAt());
    }

    /** A name from a caller, fit for a message: bounded, without control characters or surrogates. */
    static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && out.length() < MAX_ECHO; i++) {
            char c = s.charAt(i);
            out.append(Character.isISOControl(c) || Character.isSurrogate(c) ? '?' : c);
        }
        return s.length() > MAX_ECHO ? out + "..." : out.toString();
    }
}
